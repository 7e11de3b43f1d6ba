using Tern.IntegrationTests.Dane;
using Xunit.Abstractions;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// One message from Tern to each mail domain of the lab, received by the lab Postfix. Each must end
/// as RFC 7672 and RFC 7505 require for the zone's verdict in lab.json.
/// </summary>
[Collection(DeliveryLabCollectionDefinition.Name)]
public sealed class LabMatrixTests(DeliveryLabFixture lab, ITestOutputHelper output)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The result a Tern sender must log for each verdict: status, enhanced status code (or null for
    /// any) and TLS trust level, whether Postfix or Tern receives.
    /// </summary>
    internal static readonly Dictionary<string, (string Status, string? Dsn, string? TrustLevel)> Expected = new(StringComparer.Ordinal)
    {
        // RFC 7672 section 2.2: usable TLSA records that match the server authenticate it.
        ["authenticated-tls"] = ("sent", "2.0.0", "Verified"),

        // No usable DANE: TLS when offered, without authentication. The lab certificates are
        // self-signed, so the .NET chain check makes them Untrusted.
        ["opportunistic-tls"] = ("sent", "2.0.0", "Untrusted"),

        // RFC 7672 section 2.2 and 3.1.3: only unusable records, so TLS is mandatory but not authenticated.
        ["unauthenticated-tls-required"] = ("sent", "2.0.0", "Untrusted"),

        // RFC 7672 section 2.2: no usable record matches, so the host is skipped and the mail waits.
        ["authentication-failure"] = ("deferred", "4.7.5", null),

        // RFC 7672 section 2.1.1: a failed TLSA lookup must not lead to plaintext delivery.
        ["tlsa-lookup-failure"] = ("deferred", "4.7.5", null),

        // RFC 7672 section 2.2.1: a bogus MX RRset is a lookup failure, so the mail waits. The lab
        // resolver answers the query with checking disabled, so Tern reports a DNSSEC failure (4.7.5).
        ["mx-lookup-failure"] = ("deferred", "4.7.5", null),

        // RFC 7505: a null MX means the domain accepts no mail, a permanent failure with 5.1.10.
        ["null-mx"] = ("bounced", "5.1.10", null),
    };

    [Fact]
    public async Task EveryLabDomain_TernSender_EndsAsVerdictRequires()
    {
        await using var sender = await LabTern.StartSenderAsync(lab);
        var senderAddress = $"sender@{LabTern.SenderDomain}";
        var zones = lab.Lab.Zones;
        var messageIds = zones.ToDictionary(zone => zone.Domain, zone => LabTern.NewMessageId(zone.Domain));

        var queueIds = await LabTern.SubmitAsync(sender, senderAddress, zones.Select(zone => ($"user@{zone.Domain}", messageIds[zone.Domain])));

        var failures = new List<string>();
        for (var i = 0; i < zones.Count; i++)
        {
            var result = await LabTern.WaitForResultAsync(sender, queueIds[i], DeliveryTimeout);
            output.WriteLine($"{zones[i].Domain} ({zones[i].Verdict}): {result.Line}");
            failures.AddRange((await CheckAsync(sender, zones[i], result, messageIds[zones[i].Domain])).Select(problem => $"{zones[i].Domain} ({zones[i].Verdict}): {problem}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<List<string>> CheckAsync(Infrastructure.TernServer sender, LabZone zone, TernResult result, string messageId)
    {
        var problems = new List<string>();
        if (!Expected.TryGetValue(zone.Verdict, out var expected))
        {
            problems.Add($"no expectation for verdict {zone.Verdict}");
            return problems;
        }

        if (result.Status != expected.Status || (expected.Dsn is not null && result.Dsn != expected.Dsn))
        {
            problems.Add($"expected status={expected.Status} dsn={expected.Dsn}, got: {result.Line}");
        }

        if (expected.TrustLevel is { } level)
        {
            var levels = LabTern.TlsTrustLevels(sender, result.Relay);
            if (levels.Count == 0 || levels.Any(logged => logged != level))
            {
                problems.Add($"expected {level} TLS to {result.Relay}, logged: [{string.Join(", ", levels)}]");
            }
        }

        if (expected.Status == "sent")
        {
            var received = await lab.ReceiverLog.WaitForFinalResultAsync(messageId, DeliveryTimeout);
            if (received.FinalStatus != "sent" || received.ReceivedTls is null)
            {
                problems.Add($"the lab Postfix did not receive it over TLS: {string.Join(" | ", received.Lines)}");
            }
        }
        else if (lab.ReceiverLog.ReadLines().Any(line => line.Contains(messageId, StringComparison.Ordinal)))
        {
            problems.Add($"the lab Postfix received a message that was {result.Status}");
        }

        if (expected.Status == "bounced")
        {
            problems.AddRange(await CheckBounceAsync(sender, zone, messageId));
        }

        return problems;
    }

    // The sender is a catch-all local domain of the test server, so the DSN lands in its Maildir.
    private static async Task<List<string>> CheckBounceAsync(Infrastructure.TernServer sender, LabZone zone, string messageId)
    {
        var files = await sender.WaitForMaildirAsync(LabTern.SenderDomain, "sender", 1);
        if (files.Length != 1)
        {
            return [$"expected one DSN in the sender's Maildir, found {files.Length}"];
        }

        var dsn = await File.ReadAllTextAsync(files[0]);
        var problems = new List<string>();
        foreach (var expected in new[] { "Status: 5.1.10", $"Final-Recipient: rfc822; user@{zone.Domain}", $"Message-ID: <{messageId}>" })
        {
            if (!dsn.Contains(expected, StringComparison.Ordinal))
            {
                problems.Add($"the DSN lacks '{expected}'");
            }
        }

        return problems;
    }
}
