using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane;

/// <summary>
/// Matches the certificate chain a TLS server presented against TLSA records (RFC 6698 section 2.1,
/// RFC 7671 section 5). The wording "none of the TLSA records match" starts every result where no
/// record authenticated the server.
/// </summary>
public static class TlsaVerifier
{
    /// <summary>The start of <see cref="DaneVerificationResult.FailureReason"/> when no record matched.</summary>
    public const string NoMatchMessage = "none of the TLSA records match the presented certificate chain";

    /// <summary>
    /// Verifies a chain, server certificate first as the server sent it. Unusable records are ignored.
    /// DANE-EE checks the server certificate alone, with no name or validity check (RFC 7671 section
    /// 5.1). DANE-TA validates the path from the server certificate to the anchor and matches the server
    /// certificate's names against <paramref name="referenceIdentifiers"/> (RFC 7671 section 5.2). PKIX
    /// usages, for services other than SMTP, also need a chain to the system's WebPKI roots.
    /// </summary>
    public static DaneVerificationResult Verify(
        IReadOnlyList<X509Certificate2> presentedChain,
        IEnumerable<TlsaRecord> records,
        IReadOnlyList<string> referenceIdentifiers,
        DaneService service,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(presentedChain);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(referenceIdentifiers);
        if (presentedChain.Count == 0)
        {
            return DaneVerificationResult.Failed($"{NoMatchMessage}: the server presented no certificate");
        }

        var allRecords = records.ToList();
        var usable = allRecords.Where(r => r.IsUsableFor(service)).ToList();
        if (usable.Count == 0)
        {
            var reasons = allRecords.Select(r => $"{r}: {r.GetUnusableReason(service)}");
            return DaneVerificationResult.Failed($"{NoMatchMessage}: no record is usable ({string.Join("; ", reasons)})");
        }

        var selected = DigestAgility.Select(usable);
        var path = CertificatePath.Build([.. presentedChain.Select(c => new ChainCertificate(c))]);
        var problems = new List<string>();

        var result = MatchDaneEe(selected, path)
            ?? MatchDaneTaInChain(selected, path, referenceIdentifiers, now, problems)
            ?? MatchDaneTaFromDns(selected, path, referenceIdentifiers, now, problems)
            ?? PkixVerifier.Match(selected, path, referenceIdentifiers, now, problems);
        if (result is not null)
        {
            return result;
        }

        var detail = problems.Count == 0 ? string.Empty : $" ({string.Join("; ", problems)})";
        return DaneVerificationResult.Failed(NoMatchMessage + detail);
    }

    // DANE-EE binds the key or certificate itself: names and dates are the publisher's business (RFC 7671 section 5.1).
    private static DaneVerificationResult? MatchDaneEe(List<TlsaRecord> records, List<ChainCertificate> path)
    {
        var match = records.FirstOrDefault(r => r.Usage == CertificateUsage.DaneEe && path[0].Matches(r));
        return match is null ? null : DaneVerificationResult.Verified(match, 0, matchedName: null);
    }

    /// <summary>
    /// Tries DANE-TA records against the certificates above the server certificate. The server
    /// certificate itself is a candidate anchor only when it is self-issued, because a DANE-TA record
    /// names an issuer (RFC 7671 section 5.2).
    /// </summary>
    private static DaneVerificationResult? MatchDaneTaInChain(
        List<TlsaRecord> records, List<ChainCertificate> path, IReadOnlyList<string> referenceIdentifiers, DateTimeOffset now, List<string> problems)
    {
        var taRecords = records.Where(r => r.Usage == CertificateUsage.DaneTa).ToList();
        var firstDepth = path[0].IsSelfIssued ? 0 : 1;
        for (var depth = firstDepth; depth < path.Count; depth++)
        {
            foreach (var record in taRecords.Where(r => path[depth].Matches(r)))
            {
                var problem = CertificatePath.Validate(path, depth, now);
                var result = Authenticate(record, depth, path[0], referenceIdentifiers, problem, problems, path[depth].Subject);
                if (result is not null)
                {
                    return result;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Tries DANE-TA records that carry the whole anchor, "2 0 0" (a certificate) or "2 1 0" (a public
    /// key), which the server need not send (RFC 7671 section 5.2). The anchor must have signed one
    /// certificate of the path, and the path below that certificate must validate.
    /// </summary>
    private static DaneVerificationResult? MatchDaneTaFromDns(
        List<TlsaRecord> records, List<ChainCertificate> path, IReadOnlyList<string> referenceIdentifiers, DateTimeOffset now, List<string> problems)
    {
        foreach (var record in records.Where(r => r.Usage == CertificateUsage.DaneTa && r.MatchingType == MatchingType.Full))
        {
            var anchor = record.Certificate is { } certificate ? new ChainCertificate(certificate) : null;
            if (anchor is null && !ChainCertificate.TryCreateKey(record.CertificateAssociationData.Span, out _))
            {
                continue;
            }

            var anchorKey = anchor?.PublicKey ?? CreateKey(record);
            var anchorName = anchor?.Subject ?? "the public key in DNS";
            for (var depth = 0; depth < path.Count; depth++)
            {
                var signedByAnchor = (anchor is null || path[depth].IsIssuedBy(anchor)) && path[depth].IsSignedBy(anchorKey);
                if (!signedByAnchor)
                {
                    continue;
                }

                // The certificate the anchor signed is below the anchor, so its dates count too.
                var problem = CertificatePath.Validate(path, depth, now)
                    ?? path[depth].CheckValidity(now)
                    ?? anchor?.CheckIssuer(intermediatesBelow: depth);
                var result = Authenticate(record, depth + 1, path[0], referenceIdentifiers, problem, problems, anchorName);
                if (result is not null)
                {
                    return result;
                }

                break;
            }
        }

        return null;
    }

    private static Org.BouncyCastle.Crypto.AsymmetricKeyParameter CreateKey(TlsaRecord record)
    {
        ChainCertificate.TryCreateKey(record.CertificateAssociationData.Span, out var key);
        return key!;
    }

    /// <summary>Returns a verified result when the path is valid and a name matches, else records the problem and returns null.</summary>
    internal static DaneVerificationResult? Authenticate(
        TlsaRecord record,
        int depth,
        ChainCertificate serverCertificate,
        IReadOnlyList<string> referenceIdentifiers,
        string? pathProblem,
        List<string> problems,
        string anchorName)
    {
        var problem = pathProblem;
        string? matchedName = null;
        if (problem is null)
        {
            matchedName = ReferenceIdentifierMatcher.FindMatch(serverCertificate.Certificate, referenceIdentifiers);
            if (matchedName is null)
            {
                problem = $"the server certificate '{serverCertificate.Subject}' matches none of the names {string.Join(", ", referenceIdentifiers)}";
            }
        }

        if (problem is null)
        {
            return DaneVerificationResult.Verified(record, depth, matchedName);
        }

        problems.Add($"{record} matched '{anchorName}' at depth {depth}, but {problem}");
        return null;
    }
}
