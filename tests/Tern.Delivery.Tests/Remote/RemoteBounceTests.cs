using System.Text;
using MimeKit;
using Tern.Delivery.Bounces;
using Tern.Delivery.Remote;
using Tern.Dns;
using Tern.Queue;
using Tern.Smtp;

namespace Tern.Delivery.Tests.Remote;

/// <summary>The queue runner, remote delivery and the bounce notifier together, against a loopback MX.</summary>
public sealed class RemoteBounceTests : IAsyncDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly TestMailServer _server = new();
    private readonly StaticDnsResolver _dns = new();
    private readonly FileQueueStore _store;
    private readonly RemoteDeliveryAgent _agent;
    private readonly QueueRunner _runner;

    public RemoteBounceTests()
    {
        _store = FileQueueStore.Open(_data.Path);
        _dns.Add(SecurityStatus.Insecure, new MxRecord("plain.example", 3600, 10, "mx.plain.example"))
            .AddAddresses("mx.plain.example", SecurityStatus.Insecure, "127.0.0.1");
        var options = new RemoteDeliveryOptions { HeloName = "tern.test.example", Port = _server.Port };
        _agent = new RemoteDeliveryAgent(options, _dns);
        _runner = new QueueRunner(_store, _agent, new QueueRunnerOptions(), bounceNotifier: new BounceNotifier(_store, "tern.test.example"));
    }

    public async ValueTask DisposeAsync()
    {
        _runner.Dispose();
        await _agent.DisposeAsync();
        _store.Dispose();
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task RecipientRejected_SenderGetsReport()
    {
        _server.RecipientReplies["bob@plain.example"] = new SmtpReply(550, "5.1.1", "User unknown");
        var id = await QueueAsync("alice@example.org", "bob@plain.example", "carol@plain.example");

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["carol@plain.example"], Assert.Single(_server.Messages).Recipients);
        var entries = await ListAsync();
        Assert.DoesNotContain(entries, e => e.Id == id);
        var notification = Assert.Single(entries);
        Assert.Equal(string.Empty, notification.Envelope.Sender);
        Assert.Equal("alice@example.org", Assert.Single(notification.Envelope.Recipients).Address);

        await using var content = await _store.OpenContentAsync(notification.Id, CancellationToken.None);
        var message = await MimeMessage.LoadAsync(content);
        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("multipart/report", report.ContentType.MimeType);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        var recipient = status.StatusGroups[1];
        Assert.Equal("rfc822; bob@plain.example", recipient["Final-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.Equal("dns; mx.plain.example", recipient["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 User unknown", recipient["Diagnostic-Code"]);
    }

    [Fact]
    public async Task NullSenderRejected_NoReport()
    {
        _server.RecipientReplies["bob@plain.example"] = new SmtpReply(550, "5.1.1", "User unknown");
        await QueueAsync(string.Empty, "bob@plain.example");

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Empty(await ListAsync());
        Assert.Empty(_server.Messages);
    }

    private async Task<QueueId> QueueAsync(string sender, params string[] recipients)
    {
        var envelope = new QueueEnvelope
        {
            Sender = sender,
            Recipients = [.. recipients.Select(r => new QueueRecipient { Address = r })],
            ArrivalTime = DateTimeOffset.UtcNow,
        };
        await using var writer = await _store.CreateAsync(envelope, CancellationToken.None);
        await writer.Content.WriteAsync(Encoding.ASCII.GetBytes("From: alice@example.org\r\nSubject: report\r\n\r\nbody\r\n"));
        await writer.CommitAsync(CancellationToken.None);
        return writer.Id;
    }

    private async Task<List<QueueEntry>> ListAsync()
    {
        var entries = new List<QueueEntry>();
        await foreach (var entry in _store.ListAsync(CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
