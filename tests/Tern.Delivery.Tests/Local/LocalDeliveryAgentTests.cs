using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tern.Delivery.Local;
using Tern.Queue;

namespace Tern.Delivery.Tests.Local;

public sealed class LocalDeliveryAgentTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Content = Encoding.ASCII.GetBytes("Subject: hello\r\n\r\nbody\r\n");

    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly LocalDeliveryAgent _agent;

    public LocalDeliveryAgentTests()
    {
        var options = new LocalDeliveryOptions { MailDirectory = MailDirectory };
        options.Domains["Users.Test"] = LocalDomain.WithUsers(["Alice", "bob"]);
        options.Domains["localhost"] = LocalDomain.CatchAll();
        _agent = new LocalDeliveryAgent(options, timeProvider: _time);
    }

    private string MailDirectory => Path.Combine(_data.Path, "mail");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Deliver_KnownUser_DeliveredToMaildir()
    {
        var result = await DeliverAsync("ALICE@users.TEST");

        Assert.Equal(DeliveryResult.Delivered("local", "2.0.0", "delivered to maildir"), result);
        Assert.Single(Directory.GetFiles(Path.Combine(MailDirectory, "users.test", "alice", "new")));
    }

    [Fact]
    public async Task Deliver_UnknownUser_Bounced()
    {
        var result = await DeliverAsync("carol@users.test");

        Assert.Equal(DeliveryStatus.Bounced, result.Status);
        Assert.Equal("5.1.1", result.EnhancedStatusCode);
        Assert.Equal("550 5.1.1 Mailbox does not exist", result.Reply);
        Assert.False(Directory.Exists(Path.Combine(MailDirectory, "users.test", "carol")));
    }

    [Fact]
    public async Task Deliver_Postmaster_AcceptedInEveryDomain()
    {
        var result = await DeliverAsync("PostMaster@users.test");

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Single(Directory.GetFiles(Path.Combine(MailDirectory, "users.test", "postmaster", "new")));
    }

    [Fact]
    public async Task Deliver_CatchAll_AcceptsAnyUser()
    {
        var result = await DeliverAsync("anyone@localhost");

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Single(Directory.GetFiles(Path.Combine(MailDirectory, "localhost", "anyone", "new")));
    }

    [Fact]
    public async Task Deliver_QuotedLocalPart_SameMailboxAsUnquoted()
    {
        var result = await DeliverAsync("\"bob\"@users.test");

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Single(Directory.GetFiles(Path.Combine(MailDirectory, "users.test", "bob", "new")));
    }

    [Theory]
    [InlineData("\"../../../escape\"@localhost")]
    [InlineData("\"a/b\"@localhost")]
    [InlineData("\"..\"@localhost")]
    [InlineData("\".\"@localhost")]
    [InlineData("\"with space\"@localhost")]
    public async Task Deliver_PathEscapingLocalPart_Bounced(string address)
    {
        var result = await DeliverAsync(address);

        Assert.Equal(DeliveryStatus.Bounced, result.Status);
        Assert.Equal("5.1.3", result.EnhancedStatusCode);
        Assert.StartsWith("550 5.1.3 Invalid mailbox name: ", result.Reply, StringComparison.Ordinal);
        // Nothing was created, inside the mail directory or next to it.
        Assert.Empty(Directory.GetFileSystemEntries(_data.Path));
    }

    [Fact]
    public async Task Deliver_RemoteRecipient_Deferred()
    {
        var result = await DeliverAsync("someone@example.org");

        Assert.Equal(DeliveryResult.Deferred("none", "4.3.5", "451 4.3.5 Domain is not configured for local delivery"), result);
    }

    [Fact]
    public async Task Deliver_AddressWithoutDomain_Bounced()
    {
        var result = await DeliverAsync("Postmaster");

        Assert.Equal(DeliveryStatus.Bounced, result.Status);
        Assert.Equal("5.1.3", result.EnhancedStatusCode);
    }

    [Fact]
    public async Task Deliver_MailDirectoryUnwritable_Deferred()
    {
        // A file where the mail directory should be makes creating the Maildir fail.
        await File.WriteAllTextAsync(MailDirectory, "not a directory");

        var result = await DeliverAsync("alice@users.test");

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal("4.3.0", result.EnhancedStatusCode);
        Assert.Equal("local", result.Relay);
    }

    [Fact]
    public async Task Deliver_SeveralRecipients_OneResultEach()
    {
        var request = Request("alice@users.test", "carol@users.test", "x@example.org");

        var results = await _agent.DeliverAsync(request, CancellationToken.None);

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Bounced, DeliveryStatus.Deferred], results.Select(result => result.Status));
    }

    [Theory]
    [InlineData("bad domain")]
    [InlineData("../escape")]
    [InlineData("")]
    public void Create_InvalidDomain_Throws(string domain)
    {
        var options = new LocalDeliveryOptions { MailDirectory = MailDirectory };
        options.Domains[domain] = LocalDomain.CatchAll();

        var exception = Assert.Throws<ArgumentException>(() => new LocalDeliveryAgent(options));

        Assert.Contains($"Invalid local domain '{domain}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithUsers_InvalidUser_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => LocalDomain.WithUsers(["alice", "../root"]));

        Assert.Contains("'../root'", exception.Message, StringComparison.Ordinal);
    }

    private async Task<DeliveryResult> DeliverAsync(string address)
    {
        var results = await _agent.DeliverAsync(Request(address), CancellationToken.None);
        return Assert.Single(results);
    }

    private static DeliveryRequest Request(params string[] addresses)
    {
        var recipients = addresses.Select(address => new QueueRecipient { Address = address }).ToArray();
        var envelope = new QueueEnvelope { Sender = "sender@example.net", Recipients = recipients, ArrivalTime = Start };
        var entry = QueueEntry.Create(new QueueId(1), envelope);
        return new DeliveryRequest(entry, recipients, _ => ValueTask.FromResult<Stream>(new MemoryStream(Content)));
    }
}
