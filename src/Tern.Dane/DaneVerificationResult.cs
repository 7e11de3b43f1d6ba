using System.Globalization;

namespace Tern.Dane;

/// <summary>
/// The outcome of matching a presented certificate chain against TLSA records: the matching record
/// and the depth of the certificate it matched, or the reason that none matched.
/// </summary>
public sealed class DaneVerificationResult
{
    private DaneVerificationResult(bool isVerified, TlsaRecord? matchedRecord, int? depth, string? matchedName, string? failureReason)
    {
        IsVerified = isVerified;
        MatchedRecord = matchedRecord;
        Depth = depth;
        MatchedName = matchedName;
        FailureReason = failureReason;
    }

    public bool IsVerified { get; }

    /// <summary>The record that authenticated the server; null when verification failed.</summary>
    public TlsaRecord? MatchedRecord { get; }

    /// <summary>
    /// Chain depth of the matched certificate: 0 is the server's own certificate. A trust anchor that
    /// only DNS provides gets the depth it would have above the last certificate it signed.
    /// </summary>
    public int? Depth { get; }

    /// <summary>The reference identifier that the server certificate matched; null for DANE-EE, which checks no name.</summary>
    public string? MatchedName { get; }

    /// <summary>Why verification failed; null when it succeeded.</summary>
    public string? FailureReason { get; }

    /// <summary>A one-line summary for logs and reports.</summary>
    public override string ToString() => IsVerified
        ? string.Create(CultureInfo.InvariantCulture, $"verified by TLSA {MatchedRecord} at depth {Depth}") + (MatchedName is null ? string.Empty : $", name {MatchedName}")
        : $"not verified: {FailureReason}";

    internal static DaneVerificationResult Verified(TlsaRecord record, int depth, string? matchedName) =>
        new(true, record, depth, matchedName, null);

    internal static DaneVerificationResult Failed(string reason) => new(false, null, null, null, reason);
}
