namespace Tern.Delivery.Local;

/// <summary>Settings of <see cref="LocalDeliveryAgent"/>: where the Maildirs are and which domains are local.</summary>
public sealed class LocalDeliveryOptions
{
    /// <summary>The root of the Maildirs, usually <c>&lt;data&gt;/mail</c>. Mail for user@domain goes to <c>&lt;root&gt;/domain/user/</c>.</summary>
    public required string MailDirectory { get; init; }

    /// <summary>The local domains by name, compared without regard to case.</summary>
    public IDictionary<string, LocalDomain> Domains { get; } = new Dictionary<string, LocalDomain>(StringComparer.OrdinalIgnoreCase);
}
