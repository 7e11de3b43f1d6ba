namespace Tern.Dns;

/// <summary>Operations on <see cref="SecurityStatus"/>.</summary>
public static class SecurityStatusExtensions
{
    /// <summary>Returns the weaker of two statuses: Bogus before Indeterminate before Insecure before Secure.</summary>
    public static SecurityStatus Weakest(this SecurityStatus first, SecurityStatus second) =>
        first >= second ? first : second;

    /// <summary>Returns true for Bogus and Indeterminate, the statuses that carry no usable answer.</summary>
    public static bool IsFailure(this SecurityStatus status) =>
        status is SecurityStatus.Bogus or SecurityStatus.Indeterminate;
}
