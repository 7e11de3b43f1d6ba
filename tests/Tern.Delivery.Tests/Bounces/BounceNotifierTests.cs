using System.Text;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Tern.Delivery.Bounces;
using Tern.Queue;

namespace Tern.Delivery.Tests.Bounces;

public sealed class BounceNotifierTests : IDisposable
{
    private const string Original = "From: alice@example.org\r\nTo: bob@example.net\r\nSubject: quarterly report\r\nMessage-ID: <orig-1@example.org>\r\n\r\nsecret body line\r\n";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FileQueueStore _store;
    private readonly BounceNotifier _notifier;

    public BounceNotifierTests()
    {
        _store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        _notifier = new BounceNotifier(_store, "mta.example.org", _time);
    }

    public void Dispose()
    {
        _store.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Bounce_QueuesReportToSender()
    {
        var entry = await QueueAsync(new QueueEnvelope
        {
            Sender = "alice@example.org",
            Recipients = [new QueueRecipient { Address = "bob@example.net", DsnOriginalRecipient = "rfc822;bob+2Bx@example.net" }, new QueueRecipient { Address = "carol@example.net" }],
            ArrivalTime = Start,
            DsnEnvelopeId = "env+2B1",
        });
        BouncedRecipient[] bounced =
        [
            new(entry.Envelope.Recipients[0], DeliveryResult.Bounced("mx.example.net[127.0.0.1]:25", "5.1.1", "550 5.1.1 <bob@example.net>: no such user")),
            new(entry.Envelope.Recipients[1], DeliveryResult.Bounced("none", "5.1.10", "556 5.1.10 Recipient address has null MX")),
        ];

        await _notifier.NotifyAsync(entry, bounced, Start.AddMinutes(1), CancellationToken.None);

        var (notification, message) = await ReadNotificationAsync(entry.Id);
        Assert.Equal(string.Empty, notification.Envelope.Sender);
        Assert.Equal(["alice@example.org"], notification.Envelope.Recipients.Select(r => r.Address));
        Assert.Equal("alice@example.org", message.To.Mailboxes.Single().Address);
        Assert.Equal("MAILER-DAEMON@mta.example.org", message.From.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);

        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal(3, report.Count);
        var text = Assert.IsType<TextPart>(report[0]);
        Assert.Contains("<bob@example.net>: 550 5.1.1", text.Text, StringComparison.Ordinal);

        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        // MimeKit's parser reads the blank line before the next boundary as one more, empty group.
        Assert.Equal(3, status.StatusGroups.Count(group => group.Count > 0));
        Assert.Equal("dns; mta.example.org", status.StatusGroups[0]["Reporting-MTA"]);
        Assert.Equal("env+1", status.StatusGroups[0]["Original-Envelope-Id"]);
        Assert.NotNull(status.StatusGroups[0]["Arrival-Date"]);

        var bob = status.StatusGroups[1];
        Assert.Equal("rfc822;bob+x@example.net", bob["Original-Recipient"]);
        Assert.Equal("rfc822; bob@example.net", bob["Final-Recipient"]);
        Assert.Equal("failed", bob["Action"]);
        Assert.Equal("5.1.1", bob["Status"]);
        Assert.Equal("dns; mx.example.net", bob["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 <bob@example.net>: no such user", bob["Diagnostic-Code"]);

        var carol = status.StatusGroups[2];
        Assert.Equal("5.1.10", carol["Status"]);
        Assert.Null(carol["Remote-MTA"]);

        var headers = Assert.IsType<TextRfc822Headers>(report[2]);
        Assert.Equal("quarterly report", headers.Message?.Subject);
        Assert.DoesNotContain("secret body line", message.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnFull_AttachesWholeMessage()
    {
        var entry = await QueueAsync(Envelope("alice@example.org", "bob@example.net") with { DsnReturn = "FULL" });

        await _notifier.NotifyAsync(entry, [Bounce(entry, 0)], Start, CancellationToken.None);

        var (_, message) = await ReadNotificationAsync(entry.Id);
        var report = Assert.IsType<MultipartReport>(message.Body);
        var attached = Assert.IsType<MessagePart>(report[2]);
        Assert.Equal("rfc822", attached.ContentType.MediaSubtype);
        Assert.Contains("secret body line", attached.Message?.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullSender_QueuesNothing()
    {
        var entry = await QueueAsync(Envelope(string.Empty, "bob@example.net"));

        await _notifier.NotifyAsync(entry, [Bounce(entry, 0)], Start, CancellationToken.None);

        Assert.Equal([entry.Id], await ListIdsAsync());
    }

    [Theory]
    [InlineData("NEVER", false)]
    [InlineData("SUCCESS,DELAY", false)]
    [InlineData("DELAY,FAILURE", true)]
    [InlineData(null, true)]
    public async Task Notify_FollowsRecipientParameter(string? notify, bool expected)
    {
        var envelope = Envelope("alice@example.org", "bob@example.net");
        var entry = await QueueAsync(envelope with { Recipients = [envelope.Recipients[0] with { DsnNotify = notify }] });

        await _notifier.NotifyAsync(entry, [Bounce(entry, 0)], Start, CancellationToken.None);

        Assert.Equal(expected ? 2 : 1, (await ListIdsAsync()).Count);
    }

    private static QueueEnvelope Envelope(string sender, string recipient) => new()
    {
        Sender = sender,
        Recipients = [new QueueRecipient { Address = recipient }],
        ArrivalTime = Start,
    };

    private static BouncedRecipient Bounce(QueueEntry entry, int index) =>
        new(entry.Envelope.Recipients[index], DeliveryResult.Bounced("mx.example.net[127.0.0.1]:25", "5.1.1", "550 5.1.1 no such user"));

    private async Task<QueueEntry> QueueAsync(QueueEnvelope envelope)
    {
        await using var writer = await _store.CreateAsync(envelope, CancellationToken.None);
        await writer.Content.WriteAsync(Encoding.ASCII.GetBytes(Original));
        await writer.CommitAsync(CancellationToken.None);
        return (await _store.GetAsync(writer.Id, CancellationToken.None))!;
    }

    private async Task<List<QueueId>> ListIdsAsync()
    {
        var ids = new List<QueueId>();
        await foreach (var entry in _store.ListAsync(CancellationToken.None))
        {
            ids.Add(entry.Id);
        }

        return ids;
    }

    private async Task<(QueueEntry Entry, MimeMessage Message)> ReadNotificationAsync(QueueId originalId)
    {
        var id = Assert.Single(await ListIdsAsync(), id => id != originalId);
        var entry = (await _store.GetAsync(id, CancellationToken.None))!;
        await using var content = await _store.OpenContentAsync(id, CancellationToken.None);
        return (entry, await MimeMessage.LoadAsync(content));
    }
}
