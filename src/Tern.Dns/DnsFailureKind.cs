namespace Tern.Dns;

/// <summary>Why a lookup returned no usable answer.</summary>
public enum DnsFailureKind
{
    ServerFailure,
    Refused,
    Timeout,
    Truncated,
    Malformed,
    OtherResponseCode,
    NetworkError,
    CnameLoop,
    CnameChainTooLong,

    /// <summary>The resolver answered SERVFAIL, but answered with checking disabled: the data failed DNSSEC validation.</summary>
    ValidationFailure,
}
