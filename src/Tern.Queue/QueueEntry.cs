namespace Tern.Queue;

/// <summary>A committed message as the queue stores it: the envelope plus per-recipient delivery state.</summary>
public sealed record QueueEntry
{
    public required QueueId Id { get; init; }

    public required QueueEnvelope Envelope { get; init; }

    /// <summary>One status per envelope recipient, in the same order as <see cref="QueueEnvelope.Recipients"/>.</summary>
    public required IReadOnlyList<QueueRecipientStatus> Recipients { get; init; }

    /// <summary>Whether an operator put the message on hold; the runner skips held messages.</summary>
    public bool Held { get; init; }

    /// <summary>Creates an entry with every recipient pending.</summary>
    public static QueueEntry Create(QueueId id, QueueEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var recipients = envelope.Recipients
            .Select(recipient => new QueueRecipientStatus { Address = recipient.Address, State = RecipientState.Pending })
            .ToArray();
        return new QueueEntry { Id = id, Envelope = envelope, Recipients = recipients };
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the recipient statuses match the envelope
    /// recipients one to one.
    /// </summary>
    public void Validate()
    {
        if (Envelope.Recipients.Count == 0)
        {
            throw new ArgumentException($"Queue entry {Id} has no recipients.");
        }

        if (Recipients.Count != Envelope.Recipients.Count)
        {
            throw new ArgumentException(
                $"Queue entry {Id} has {Recipients.Count} recipient statuses for {Envelope.Recipients.Count} envelope recipients.");
        }

        for (var i = 0; i < Recipients.Count; i++)
        {
            if (!string.Equals(Recipients[i].Address, Envelope.Recipients[i].Address, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Queue entry {Id}: recipient status {i} is for '{Recipients[i].Address}' but the envelope recipient is '{Envelope.Recipients[i].Address}'.");
            }
        }
    }
}
