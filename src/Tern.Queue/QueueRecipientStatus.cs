using System.Text.Json.Serialization;

namespace Tern.Queue;

/// <summary>Delivery progress of one recipient of a queued message.</summary>
public sealed record QueueRecipientStatus
{
    /// <summary>The recipient's address, equal to the envelope recipient at the same index.</summary>
    public required string Address { get; init; }

    public RecipientState State { get; init; }

    /// <summary>Number of delivery attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When a deferred recipient is due again; null for the other states.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The reply or description from the last attempt, for example <c>451 4.4.0 ...</c>.</summary>
    public string? LastReply { get; init; }

    /// <summary>Whether the recipient still waits for delivery (pending or deferred).</summary>
    [JsonIgnore]
    public bool IsUnfinished => State is RecipientState.Pending or RecipientState.Deferred;

    /// <summary>Whether the recipient should be tried at <paramref name="now"/>.</summary>
    public bool IsDue(DateTimeOffset now) =>
        State == RecipientState.Pending
        || (State == RecipientState.Deferred && (NextAttemptAt is null || NextAttemptAt <= now));
}
