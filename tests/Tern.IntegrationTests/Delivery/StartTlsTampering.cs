namespace Tern.IntegrationTests.Delivery;

/// <summary>What <see cref="StartTlsTamperingProxy"/> does to STARTTLS, as an active attacker on the path could.</summary>
public enum StartTlsTampering
{
    /// <summary>Relays every byte unchanged.</summary>
    None,

    /// <summary>Deletes the STARTTLS line from the server's EHLO reply.</summary>
    RemoveFromEhlo,

    /// <summary>Answers the client's STARTTLS itself with <c>454 4.7.0 TLS not available</c>.</summary>
    RejectWith454,
}
