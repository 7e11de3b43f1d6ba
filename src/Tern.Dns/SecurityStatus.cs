namespace Tern.Dns;

/// <summary>
/// DNSSEC status of a DNS answer, with the four states of RFC 4035 section 4.3. The values are ordered
/// from strongest to weakest, so the status of a chain of answers is the maximum of its steps.
/// </summary>
public enum SecurityStatus
{
    /// <summary>A trusted validating resolver set the AD bit: the answer is signed and validated.</summary>
    Secure = 0,

    /// <summary>An answer (records or a denial) without the AD bit, or from a resolver that is not trusted.</summary>
    Insecure = 1,

    /// <summary>
    /// No usable answer: SERVFAIL, REFUSED, a timeout, a malformed answer, or a truncated answer
    /// that TCP could not complete. A validating resolver also answers SERVFAIL for bogus data.
    /// </summary>
    Indeterminate = 2,

    /// <summary>The data failed DNSSEC validation.</summary>
    Bogus = 3,
}
