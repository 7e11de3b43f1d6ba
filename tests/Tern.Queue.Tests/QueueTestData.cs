using System.Text;

namespace Tern.Queue.Tests;

internal static class QueueTestData
{
    public static QueueEnvelope Envelope(DateTimeOffset arrivalTime, params string[] recipients) => new()
    {
        Sender = "sender@example.net",
        Recipients = recipients.Select(address => new QueueRecipient { Address = address }).ToArray(),
        ArrivalTime = arrivalTime,
        ClientAddress = "192.0.2.10",
        ClientHeloName = "client.example.net",
    };

    /// <summary>Writes and commits a message; returns its id.</summary>
    public static async Task<QueueId> CommitAsync(IQueueStore store, QueueEnvelope envelope, string content = "Subject: test\r\n\r\nbody\r\n")
    {
        await using var writer = await store.CreateAsync(envelope, CancellationToken.None);
        var bytes = Encoding.ASCII.GetBytes(content);
        await writer.Content.WriteAsync(bytes);
        await writer.CommitAsync(CancellationToken.None);
        return writer.Id;
    }
}
