namespace Tern.Smtp.Server;

/// <summary>The RCPT NOTIFY parameter (RFC 3461 section 4.1): when a delivery status notification is wanted.</summary>
[Flags]
public enum DsnNotify
{
    /// <summary>No NOTIFY parameter: the default of RFC 3461 section 4.1 applies (FAILURE, and maybe DELAY).</summary>
    Unspecified = 0,

    /// <summary>NOTIFY=NEVER; never combined with the other values.</summary>
    Never = 1,

    /// <summary>Notify on successful delivery.</summary>
    Success = 2,

    /// <summary>Notify on failed delivery.</summary>
    Failure = 4,

    /// <summary>Notify on delayed delivery.</summary>
    Delay = 8,
}
