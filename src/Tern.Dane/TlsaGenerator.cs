using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tern.Dns;

namespace Tern.Dane;

/// <summary>Builds TLSA records and zone-file lines from a certificate, for publishing.</summary>
public static class TlsaGenerator
{
    /// <summary>Creates the record that matches the certificate with the given parameters.</summary>
    public static TlsaRecord Create(X509Certificate2 certificate, CertificateUsage usage, Selector selector, MatchingType matchingType)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var selected = selector switch
        {
            Selector.FullCertificate => certificate.RawData,
            Selector.SubjectPublicKeyInfo => new ChainCertificate(certificate).SubjectPublicKeyInfo,
            _ => throw new ArgumentOutOfRangeException(nameof(selector), selector, "Expected selector 0 (Cert) or 1 (SPKI)."),
        };
        var data = matchingType switch
        {
            MatchingType.Full => selected,
            MatchingType.Sha256 => SHA256.HashData(selected),
            MatchingType.Sha512 => SHA512.HashData(selected),
            _ => throw new ArgumentOutOfRangeException(nameof(matchingType), matchingType, "Expected matching type 0 (Full), 1 (SHA2-256) or 2 (SHA2-512)."),
        };
        return new TlsaRecord(usage, selector, matchingType, data);
    }

    /// <summary>Formats a zone-file line such as "_25._tcp.mx.example.org. IN TLSA 3 1 1 &lt;hex&gt;".</summary>
    public static string ToZoneLine(TlsaRecord record, string host, int port = 25)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        return string.Create(CultureInfo.InvariantCulture, $"{DnsName.TlsaOwner(host, port)}. IN TLSA {record}");
    }

    /// <summary>
    /// Returns advice about a record that is likely to break, or null. "3 0 x" pins the whole server
    /// certificate, so it stops matching at every renewal, while "3 1 1" survives a renewal that keeps
    /// the key (RFC 7671 section 5.1).
    /// </summary>
    public static string? GetWarning(TlsaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Usage == CertificateUsage.DaneEe && record.Selector == Selector.FullCertificate)
        {
            return $"TLSA {(byte)record.Usage} {(byte)record.Selector} {(byte)record.MatchingType} matches the whole certificate, "
                + "so it stops matching when the certificate is renewed, even with the same key. Publish 3 1 1 instead, which matches the public key.";
        }

        return null;
    }
}
