using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>A self-signed server certificate made once per test run.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Server = new(CreateServerCertificate);

    /// <summary>The certificate for "localhost", with its ECDSA P-256 private key.</summary>
    public static X509Certificate2 Localhost => Server.Value;

    private static X509Certificate2 CreateServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
