using Xunit.Abstractions;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// SIGKILL while Tern delivers a batch to dane-ee.example. Tern sends 250 only after the message is
/// on disk, so every accepted message must reach the lab Postfix at least once after a restart
/// (RFC 5321 section 6.1: a 250 reply makes the message the server's responsibility).
/// </summary>
[Collection(DeliveryLabCollectionDefinition.Name)]
public sealed class KillDuringDeliveryTests(DeliveryLabFixture lab, ITestOutputHelper output)
{
    private const int MessageCount = 50;

    [Fact]
    public async Task SigkillDuringDelivery_Restart_DeliversEveryAcceptedMessage()
    {
        // Two deliveries at a time keep the batch in flight long enough to be interrupted.
        await using var sender = await LabTern.StartSenderAsync(lab, config => config["Queue"] = new { MaxConcurrentDeliveries = 2 });
        var messageIds = Enumerable.Range(0, MessageCount).Select(i => LabTern.NewMessageId($"kill-{i}")).ToList();

        var queueIds = await LabTern.SubmitAsync(sender, $"sender@{LabTern.SenderDomain}", messageIds.Select(id => ("user@dane-ee.example", id)));
        Assert.Equal(MessageCount, queueIds.Count);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (LabTern.Results(sender).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await sender.KillAsync();
        var resultsBeforeKill = LabTern.Results(sender).Count;
        output.WriteLine($"{resultsBeforeKill} of {MessageCount} delivery results logged before SIGKILL");
        Assert.InRange(resultsBeforeKill, 1, MessageCount - 1);

        await sender.RestartAsync();
        var missing = messageIds.ToHashSet(StringComparer.Ordinal);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (missing.Count > 0 && DateTime.UtcNow < deadline)
        {
            missing.ExceptWith(lab.ReceiverLog.SentCountsByMessageId().Keys);
            await Task.Delay(200);
        }

        Assert.True(missing.Count == 0, $"{missing.Count} accepted messages never reached the lab Postfix, for example <{missing.FirstOrDefault()}>:\n{sender.Output}");
        // At least once, not exactly once: a message whose 250 reached Tern just before the kill is sent again.
        var sentCounts = lab.ReceiverLog.SentCountsByMessageId();
        output.WriteLine($"{messageIds.Count(id => sentCounts[id] > 1)} of {MessageCount} messages reached the lab Postfix more than once");
    }
}
