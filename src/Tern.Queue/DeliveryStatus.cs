namespace Tern.Queue;

/// <summary>Outcome of one delivery attempt for one recipient.</summary>
public enum DeliveryStatus
{
    Delivered,

    /// <summary>Failed temporarily; the runner tries again later.</summary>
    Deferred,

    /// <summary>Failed permanently; the runner does not try again.</summary>
    Bounced,
}
