using System.Net;
using System.Text;
using Tern.Delivery.Remote;
using Tern.Dns;
using Tern.Queue;

namespace Tern.Delivery.Tests.Remote;

public sealed class RemoteHostFailureTests
{
    private readonly StaticDnsResolver _dns = new();

    [Theory]
    [InlineData(TlsPolicy.May)]
    [InlineData(TlsPolicy.Dane)]
    public async Task OpportunisticHandshakeFails_RetriesInPlaintext(TlsPolicy policy)
    {
        await using var peer = new ScriptedSmtpPeer(IPAddress.Loopback) { OfferStartTls = true };
        AddHost("10", "mx.peer.example", "127.0.0.1");

        var result = await DeliverAsync(peer.Port, policy);

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal(2, peer.ConnectionCount);
        var commands = peer.Commands.ToArray();
        Assert.Equal(1, Array.IndexOf(commands, "STARTTLS"));
        Assert.Single(commands, c => c.StartsWith("MAIL FROM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequiredHandshakeFails_DefersWithoutRetry()
    {
        await using var peer = new ScriptedSmtpPeer(IPAddress.Loopback) { OfferStartTls = true };
        AddHost("10", "mx.peer.example", "127.0.0.1");

        var result = await DeliverAsync(peer.Port, TlsPolicy.Encrypt);

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal("4.7.5", result.EnhancedStatusCode);
        Assert.Equal(1, peer.ConnectionCount);
        Assert.DoesNotContain(peer.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GreetingRejected_DefersNotBounces()
    {
        await using var peer = new ScriptedSmtpPeer(IPAddress.Loopback) { Greeting = "554 5.7.1 No service" };
        AddHost("10", "mx.peer.example", "127.0.0.1");

        var result = await DeliverAsync(peer.Port, TlsPolicy.May);

        // The greeting comes before EHLO, so its text carries no enhanced status code (RFC 2034 section 3).
        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal("4.4.2", result.EnhancedStatusCode);
        Assert.Contains("554 5.7.1 No service", result.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailRejectedByFirstHost_NextHostDelivers()
    {
        await using var first = new ScriptedSmtpPeer(IPAddress.Parse("127.0.0.3")) { MailReply = "550 5.7.1 Not from you" };
        await using var second = new ScriptedSmtpPeer(IPAddress.Parse("127.0.0.4"), first.Port);
        AddHost("10", "first.peer.example", "127.0.0.3");
        AddHost("20", "second.peer.example", "127.0.0.4");

        var result = await DeliverAsync(first.Port, TlsPolicy.May);

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.StartsWith("second.peer.example[127.0.0.4]", result.Relay, StringComparison.Ordinal);
        Assert.Equal(1, first.ConnectionCount);
    }

    [Fact]
    public async Task MailRejectedByEveryHost_Bounces()
    {
        await using var first = new ScriptedSmtpPeer(IPAddress.Parse("127.0.0.3")) { MailReply = "550 5.7.1 Not from you" };
        await using var second = new ScriptedSmtpPeer(IPAddress.Parse("127.0.0.4"), first.Port) { MailReply = "553 5.7.1 Not from you either" };
        AddHost("10", "first.peer.example", "127.0.0.3");
        AddHost("20", "second.peer.example", "127.0.0.4");

        var result = await DeliverAsync(first.Port, TlsPolicy.May);

        Assert.Equal(DeliveryStatus.Bounced, result.Status);
        Assert.Equal("5.7.1", result.EnhancedStatusCode);
        Assert.Equal("553 5.7.1 Not from you either", result.Reply);
    }

    [Fact]
    public async Task MailTemporarilyRejected_Defers()
    {
        await using var peer = new ScriptedSmtpPeer(IPAddress.Loopback) { MailReply = "451 4.3.0 Try again" };
        AddHost("10", "mx.peer.example", "127.0.0.1");

        var result = await DeliverAsync(peer.Port, TlsPolicy.May);

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal("4.3.0", result.EnhancedStatusCode);
    }

    private void AddHost(string preference, string host, string address) =>
        _dns.Add(SecurityStatus.Insecure, new MxRecord("peer.example", 3600, ushort.Parse(preference, System.Globalization.CultureInfo.InvariantCulture), host))
            .AddAddresses(host, SecurityStatus.Insecure, address);

    private async Task<DeliveryResult> DeliverAsync(int port, TlsPolicy policy)
    {
        var options = new RemoteDeliveryOptions { HeloName = "tern.test.example", Port = port, DefaultTlsPolicy = policy };
        await using var agent = new RemoteDeliveryAgent(options, _dns, random: new Random(3));
        var envelope = new QueueEnvelope
        {
            Sender = "alice@example.org",
            Recipients = [new QueueRecipient { Address = "bob@peer.example" }],
            ArrivalTime = DateTimeOffset.UtcNow,
        };
        var request = new DeliveryRequest(
            QueueEntry.Create(new QueueId(7), envelope),
            envelope.Recipients,
            _ => ValueTask.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes("Subject: hi\r\n\r\nhi\r\n"))));
        return Assert.Single(await agent.DeliverAsync(request, CancellationToken.None));
    }
}
