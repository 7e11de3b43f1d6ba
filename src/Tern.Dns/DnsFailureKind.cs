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
}
