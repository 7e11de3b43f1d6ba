using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane.Check;

/// <summary>
/// One certificate as the server presented it. <see cref="SpkiSha256"/> is the data of a "x 1 1"
/// TLSA record for this certificate, and <see cref="Sha256"/> that of "x 0 1", both in lower-case hex.
/// </summary>
public sealed record CertificateReport
{
    public required string Subject { get; init; }

    public required string Issuer { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required string SpkiSha256 { get; init; }

    public required string Sha256 { get; init; }

    internal static CertificateReport From(X509Certificate2 certificate) => new()
    {
        Subject = certificate.Subject,
        Issuer = certificate.Issuer,
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        SpkiSha256 = Convert.ToHexStringLower(SHA256.HashData(new ChainCertificate(certificate).SubjectPublicKeyInfo)),
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)),
    };
}
