using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// Tern as the receiving MX of tern-mx.example, whose TLSA <c>3 1 1</c> record names the key Tern serves:
/// senders that follow RFC 7672 must authenticate it and deliver.
/// </summary>
[Collection(DeliveryLabCollectionDefinition.Name)]
public sealed class TernReceiverTests(DeliveryLabFixture lab)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PostfixDaneSender_TernMx_VerifiesAndDelivers()
    {
        await using var receiver = await LabTern.StartReceiverAsync(lab);
        var messageId = LabTern.NewMessageId("postfix-to-tern");
        var recipient = $"someone@{lab.TernMx.Domain}";

        var sendmail = await ExternalTool.RunAsync(
            "sendmail", ["-C", lab.SenderConfigDirectory, "-f", "sender@lab-sender.example", recipient],
            $"Subject: Postfix to Tern\nMessage-ID: <{messageId}>\n\nSent with smtp_tls_security_level = dane.\n");
        Assert.True(sendmail.ExitCode == 0, sendmail.ToString());

        var sent = await lab.SenderLog.WaitForFinalResultAsync(messageId, DeliveryTimeout);
        Assert.Equal("sent", sent.FinalStatus);
        Assert.NotNull(sent.SentTls);
        Assert.Contains($"Verified TLS connection established to {lab.TernMx.Host}[{lab.TernMx.Address}]:25", sent.SentTls, StringComparison.Ordinal);

        var files = await receiver.WaitForMaildirAsync(lab.TernMx.Domain, "someone", 1);
        var stored = Assert.Single(files);
        Assert.Contains($"Message-ID: <{messageId}>", await File.ReadAllTextAsync(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TernDaneSender_TernMx_VerifiesAndDelivers()
    {
        await using var receiver = await LabTern.StartReceiverAsync(lab);
        await using var sender = await LabTern.StartSenderAsync(lab);
        var messageId = LabTern.NewMessageId("tern-to-tern");

        var queueId = await LabTern.SubmitAsync(sender, $"sender@{LabTern.SenderDomain}", $"someone@{lab.TernMx.Domain}", messageId);
        var result = await LabTern.WaitForResultAsync(sender, queueId, DeliveryTimeout);

        var relay = $"{lab.TernMx.Host}[{lab.TernMx.Address}]:25";
        Assert.Equal("sent", result.Status);
        Assert.Equal(relay, result.Relay);
        Assert.Equal(["Verified"], LabTern.TlsTrustLevels(sender, relay));
        var stored = Assert.Single(await receiver.WaitForMaildirAsync(lab.TernMx.Domain, "someone", 1));
        Assert.Contains($"Message-ID: <{messageId}>", await File.ReadAllTextAsync(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TernDaneSender_TernMxWithOtherKey_Defers()
    {
        await using var receiver = await LabTern.StartReceiverAsync(lab, withZoneKey: false);
        await using var sender = await LabTern.StartSenderAsync(lab);

        var queueId = await LabTern.SubmitAsync(sender, $"sender@{LabTern.SenderDomain}", $"someone@{lab.TernMx.Domain}", LabTern.NewMessageId("tern-wrong-key"));
        var result = await LabTern.WaitForResultAsync(sender, queueId, DeliveryTimeout);

        // RFC 7672 section 2.2: no usable TLSA record matches, so the host must not get the message.
        Assert.Equal("deferred", result.Status);
        Assert.Equal("4.7.5", result.Dsn);
        Assert.Contains("none of the TLSA records match", result.Reply, StringComparison.Ordinal);
        Assert.Empty(LabTern.TlsTrustLevels(sender, result.Relay));
        Assert.Empty(await receiver.WaitForMaildirAsync(lab.TernMx.Domain, "someone", 1, TimeSpan.FromSeconds(1)));
    }
}
