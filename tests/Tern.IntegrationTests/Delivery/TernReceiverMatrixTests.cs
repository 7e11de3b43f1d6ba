using System.Text.RegularExpressions;
using Tern.IntegrationTests.Dane;
using Tern.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// The matrix of <see cref="LabMatrixTests"/> with Tern on both ends: the lab Postfix is stopped and one
/// <c>tern serve</c> per lab MX host receives on that host's address with that host's certificate, so the
/// TLSA records of each zone apply to Tern as the server. Each message must end as RFC 7672 and RFC 7505
/// require for the zone's verdict in lab.json, and a delivered one must be in the Maildir of the receiver
/// Tern connected to, and only there.
/// </summary>
[Collection(LabReceiverCollectionDefinition.Name)]
public sealed partial class TernReceiverMatrixTests(DeliveryLabFixture lab, ITestOutputHelper output)
{
    private const string Recipient = "user";
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryLabDomain_TernReceivers_EndsAsVerdictRequires()
    {
        var servers = lab.MxServers;
        Assert.NotEmpty(servers);
        Assert.All(servers, server => Assert.NotEmpty(server.Domains));

        var starts = new List<Task<TernServer>>();
        try
        {
            await RunLabScriptAsync("mx-stop");
            starts.AddRange(servers.Select(server => LabTern.StartReceiverAsync(lab, server)));
            var started = await Task.WhenAll(starts);
            var receivers = servers.Zip(started, (server, process) => new Receiver(server, process)).ToList();
            output.WriteLine($"{receivers.Count} Tern receivers listen on the lab MX host addresses");
            await RunMatrixAsync(receivers);
        }
        finally
        {
            // Task.WhenAll has waited for every start to finish. Disposing kills each started receiver
            // by its process id, so that mx-start finds the MX host addresses free.
            foreach (var start in starts.Where(start => start.IsCompletedSuccessfully))
            {
                await (await start).DisposeAsync();
            }

            await RunLabScriptAsync("mx-start");
        }
    }

    private async Task RunMatrixAsync(List<Receiver> receivers)
    {
        await using var sender = await LabTern.StartSenderAsync(lab);
        var zones = lab.Lab.Zones;
        var messageIds = zones.ToDictionary(zone => zone.Domain, zone => LabTern.NewMessageId($"tern-mx-{zone.Domain}"));

        var queueIds = await LabTern.SubmitAsync(
            sender, $"sender@{LabTern.SenderDomain}", zones.Select(zone => ($"{Recipient}@{zone.Domain}", messageIds[zone.Domain])));

        var results = new List<TernResult>();
        for (var i = 0; i < zones.Count; i++)
        {
            var result = await LabTern.WaitForResultAsync(sender, queueIds[i], DeliveryTimeout);
            output.WriteLine($"{zones[i].Domain} ({zones[i].Verdict}): {result.Line}");
            results.Add(result);
        }

        // Delivered messages are checked first, so that the search for copies of the others runs as
        // late as possible.
        var order = Enumerable.Range(0, zones.Count).OrderBy(i => results[i].Status == "sent" ? 0 : 1);
        var failures = new List<string>();
        foreach (var i in order)
        {
            var problems = await CheckAsync(sender, receivers, zones[i], results[i], messageIds[zones[i].Domain]);
            failures.AddRange(problems.Select(problem => $"{zones[i].Domain} ({zones[i].Verdict}): {problem}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<List<string>> CheckAsync(TernServer sender, List<Receiver> receivers, LabZone zone, TernResult result, string messageId)
    {
        var problems = new List<string>();
        if (!LabMatrixTests.Expected.TryGetValue(zone.Verdict, out var expected))
        {
            problems.Add($"no expectation for verdict {zone.Verdict}");
            return problems;
        }

        if (result.Status != expected.Status || result.Dsn != expected.Dsn)
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

        if (result.Status == "sent")
        {
            problems.AddRange(await CheckReceivedAsync(receivers, zone, result, messageId));
        }
        else
        {
            var stored = FindStored(receivers, messageId);
            if (stored.Count > 0)
            {
                problems.Add($"the message was {result.Status}, but receivers stored it: {string.Join(", ", stored.Select(copy => copy.Path))}");
            }
        }

        if (expected.Status == "bounced")
        {
            problems.AddRange(await CheckBounceAsync(sender, zone, messageId));
        }

        return problems;
    }

    // A delivered message must be stored once, by the receiver at the address in the sender's relay
    // field, and that receiver must have added a Received field that shows TLS.
    private static async Task<List<string>> CheckReceivedAsync(List<Receiver> receivers, LabZone zone, TernResult result, string messageId)
    {
        var relayAddress = RelayAddress().Match(result.Relay) is { Success: true } match ? match.Groups["address"].Value : null;
        var receiver = receivers.SingleOrDefault(r => r.Mx.Address == relayAddress);
        if (receiver is null)
        {
            return [$"relay {result.Relay} is not the address of a Tern receiver"];
        }

        var problems = new List<string>();
        var files = await receiver.Tern.WaitForMaildirAsync(zone.Domain, Recipient, 1, DeliveryTimeout);
        var stored = FindStored(receivers, messageId);
        if (stored.Count != 1 || stored[0].Receiver != receiver || !files.Contains(stored[0].Path))
        {
            problems.Add($"expected the message once in {receiver.Tern.MaildirNew(zone.Domain, Recipient)}, found: [{string.Join(", ", stored.Select(copy => copy.Path))}]");
            return problems;
        }

        // RFC 3848: "ESMTPS" in the Received field's "with" clause records that the message came over TLS.
        var content = await File.ReadAllTextAsync(stored[0].Path);
        if (!content.Contains($"by {receiver.Mx.Host} with ESMTPS", StringComparison.Ordinal))
        {
            problems.Add($"the Received field of {receiver.Mx.Host} does not show ESMTPS: {stored[0].Path}");
        }

        // RFC 5321 section 5.1: a sender tries the more preferred MX hosts first, and every receiver
        // here accepts connections, so none of less preference may get the message.
        if (receiver.Mx.MxPreferences.TryGetValue(zone.Domain, out var preference) &&
            receivers.Any(other => other.Mx.MxPreferences.TryGetValue(zone.Domain, out var otherPreference) && otherPreference < preference))
        {
            problems.Add($"delivered to {receiver.Mx.Host} (preference {preference}) while a more preferred MX host was up");
        }

        return problems;
    }

    // The sender is a catch-all local domain of the test server, so the DSN lands in its Maildir.
    private static async Task<List<string>> CheckBounceAsync(TernServer sender, LabZone zone, string messageId)
    {
        var files = await sender.WaitForMaildirAsync(LabTern.SenderDomain, "sender", 1);
        if (files.Length != 1)
        {
            return [$"expected one DSN in the sender's Maildir, found {files.Length}"];
        }

        var dsn = await File.ReadAllTextAsync(files[0]);
        var problems = new List<string>();
        foreach (var expected in new[] { "Status: 5.1.10", $"Final-Recipient: rfc822; {Recipient}@{zone.Domain}", $"Message-ID: <{messageId}>" })
        {
            if (!dsn.Contains(expected, StringComparison.Ordinal))
            {
                problems.Add($"the DSN lacks '{expected}'");
            }
        }

        return problems;
    }

    // Searches every Maildir of every receiver, not only the recipient's, so that a message stored
    // under another domain or by another receiver is found too. Files in tmp/ are skipped because
    // they move to new/ when complete (Maildir's atomic rename).
    private static List<(Receiver Receiver, string Path)> FindStored(List<Receiver> receivers, string messageId)
    {
        var marker = $"Message-ID: <{messageId}>";
        var stored = new List<(Receiver, string)>();
        foreach (var receiver in receivers)
        {
            var mail = Path.Combine(receiver.Tern.DataDirectory, "data", "mail");
            if (!Directory.Exists(mail))
            {
                continue;
            }

            var files = Directory.EnumerateFiles(mail, "*", SearchOption.AllDirectories)
                .Where(file => Path.GetFileName(Path.GetDirectoryName(file)) is "new" or "cur");
            foreach (var file in files)
            {
                if (File.ReadAllText(file).Contains(marker, StringComparison.Ordinal))
                {
                    stored.Add((receiver, file));
                }
            }
        }

        return stored;
    }

    private async Task RunLabScriptAsync(string command)
    {
        var script = Path.Combine(lab.Lab.LabDirectory, "lab.sh");
        var run = await ExternalTool.RunAsync(script, [command], timeout: TimeSpan.FromSeconds(30));
        output.WriteLine($"lab.sh {command}: exit {run.ExitCode}\n{run.StandardError.TrimEnd()}");
        Assert.True(run.ExitCode == 0, $"lab.sh {command} failed: {run}");
    }

    [GeneratedRegex(@"\[(?<address>[^\]]+)\]:\d+$")]
    private static partial Regex RelayAddress();

    /// <summary>A running Tern receiver and the lab MX host it serves.</summary>
    private sealed record Receiver(LabMxServer Mx, TernServer Tern);
}
