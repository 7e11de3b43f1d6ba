using System.Net;
using System.Text.Json;
using Tern.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// STARTTLS downgrade attempts between Tern and the lab MX of dane-ee.example. The domain has usable
/// TLSA records, so RFC 7672 section 2.2 makes TLS mandatory: when an attacker on the path hides or
/// refuses STARTTLS, Tern must defer the message and never send its envelope in plaintext.
/// </summary>
[Collection(DeliveryLabCollectionDefinition.Name)]
public sealed class DowngradeTests(DeliveryLabFixture lab, ITestOutputHelper output)
{
    private const string Domain = "dane-ee.example";
    private const string MxHost = "mx.dane-ee.example";
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(StartTlsTampering.RemoveFromEhlo)]
    [InlineData(StartTlsTampering.RejectWith454)]
    public async Task StartTlsTampered_DaneDomain_DefersWithoutPlaintextMail(StartTlsTampering tampering)
    {
        await using var proxy = StartProxy(tampering);
        await using var sender = await StartSenderThroughAsync(proxy);

        var queueId = await LabTern.SubmitAsync(sender, $"sender@{LabTern.SenderDomain}", $"user@{Domain}", LabTern.NewMessageId("downgrade"));
        var result = await LabTern.WaitForResultAsync(sender, queueId, DeliveryTimeout);
        output.WriteLine(result.Line);

        Assert.Equal("deferred", result.Status);
        Assert.StartsWith("4.7.", result.Dsn, StringComparison.Ordinal);
        var recipient = await ShowRecipientAsync(sender, queueId);
        Assert.Equal("deferred", recipient.GetProperty("state").GetString());
        // The queue keeps the reason text; the enhanced status code is in the log line only.
        Assert.Contains("TLS", recipient.GetProperty("lastReply").GetString(), StringComparison.Ordinal);

        var commands = proxy.PlaintextCommands;
        Assert.Contains(commands, command => command.StartsWith("EHLO ", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(commands, command => command.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(commands, command => command.StartsWith("RCPT", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(commands, command => command.StartsWith("DATA", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, proxy.TlsSessions);
    }

    [Fact]
    public async Task Untampered_DaneDomain_DeliversVerifiedThroughProxy()
    {
        await using var proxy = StartProxy(StartTlsTampering.None);
        await using var sender = await StartSenderThroughAsync(proxy);
        var messageId = LabTern.NewMessageId("proxy-control");

        var queueId = await LabTern.SubmitAsync(sender, $"sender@{LabTern.SenderDomain}", $"user@{Domain}", messageId);
        var result = await LabTern.WaitForResultAsync(sender, queueId, DeliveryTimeout);

        var relay = $"{MxHost}[{MxAddress}]:{proxy.Port}";
        Assert.Equal("sent", result.Status);
        Assert.Equal(relay, result.Relay);
        Assert.Equal(["Verified"], LabTern.TlsTrustLevels(sender, relay));
        Assert.Equal(1, proxy.TlsSessions);
        Assert.Contains(proxy.PlaintextCommands, command => command.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(proxy.PlaintextCommands, command => command.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase));
        var received = await lab.ReceiverLog.WaitForFinalResultAsync(messageId, DeliveryTimeout);
        Assert.Equal("sent", received.FinalStatus);
    }

    private string MxAddress => lab.Lab.Server(MxHost).Address;

    // The proxy listens on the MX host's own address, so Tern resolves the real MX and TLSA records
    // and only the port (Delivery:Port) leads it through the proxy.
    private StartTlsTamperingProxy StartProxy(StartTlsTampering tampering)
    {
        var address = IPAddress.Parse(MxAddress);
        return StartTlsTamperingProxy.Start(address, new IPEndPoint(address, lab.Lab.Server(MxHost).Port), tampering);
    }

    private Task<TernServer> StartSenderThroughAsync(StartTlsTamperingProxy proxy) =>
        LabTern.StartSenderAsync(lab, config => config["Delivery"] = new { proxy.Port });

    private static async Task<JsonElement> ShowRecipientAsync(TernServer server, string queueId)
    {
        var show = await server.RunCliAsync("queue", "show", queueId, "--json");
        Assert.True(show.ExitCode == 0, show.StandardError);
        using var document = JsonDocument.Parse(show.StandardOutput);
        return Assert.Single(document.RootElement.GetProperty("recipients").EnumerateArray()).Clone();
    }
}
