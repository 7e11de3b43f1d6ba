namespace Tern.Queue;

/// <summary>Delivery state of one recipient of a queued message.</summary>
public enum RecipientState
{
    /// <summary>Not tried yet; due at once.</summary>
    Pending,

    /// <summary>Delivered; final.</summary>
    Delivered,

    /// <summary>Failed temporarily; tried again at <see cref="QueueRecipientStatus.NextAttemptAt"/>.</summary>
    Deferred,

    /// <summary>Failed permanently or expired; final.</summary>
    Bounced,
}
