using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane;

/// <summary>
/// PKIX-TA(0) and PKIX-EE(1) for services other than SMTP: the chain must validate against the
/// system's WebPKI roots, and then the record must match the server certificate (PKIX-EE) or a CA
/// certificate of the validated chain (PKIX-TA) (RFC 6698 section 2.1.1).
/// </summary>
internal static class PkixVerifier
{
    public static DaneVerificationResult? Match(
        List<TlsaRecord> records, List<ChainCertificate> path, IReadOnlyList<string> referenceIdentifiers, DateTimeOffset now, List<string> problems)
    {
        var pkixRecords = records.Where(r => r.Usage is CertificateUsage.PkixTa or CertificateUsage.PkixEe).ToList();
        if (pkixRecords.Count == 0)
        {
            return null;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.System;

        // NOTE: revocation is not checked, as for DANE usages; fetching CRLs or OCSP would reach hosts outside the TLS peer.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.ExtraStore.AddRange(path.Skip(1).Select(c => c.Certificate).ToArray());
        if (!chain.Build(path[0].Certificate))
        {
            var statuses = string.Join(", ", chain.ChainStatus.Select(s => s.Status));
            problems.Add($"PKIX records need a chain to the system's WebPKI roots, and the chain does not validate ({statuses})");
            return null;
        }

        var validated = chain.ChainElements.Select(e => new ChainCertificate(e.Certificate)).ToList();
        foreach (var record in pkixRecords)
        {
            var firstDepth = record.Usage == CertificateUsage.PkixEe ? 0 : 1;
            var lastDepth = record.Usage == CertificateUsage.PkixEe ? 0 : validated.Count - 1;
            for (var depth = firstDepth; depth <= lastDepth; depth++)
            {
                if (validated[depth].Matches(record)
                    && TlsaVerifier.Authenticate(record, depth, path[0], referenceIdentifiers, null, problems, validated[depth].Subject) is { } result)
                {
                    return result;
                }
            }
        }

        return null;
    }
}
