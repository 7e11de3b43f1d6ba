using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane.Tests;

/// <summary>Creates certificates for tests with CertificateRequest: CAs, intermediates and server certificates.</summary>
internal static class TestCertificates
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static X509Certificate2 CreateRoot(string name = "Test Root CA", bool rsa = false) =>
        Create($"CN={name}", issuer: null, isCa: true, dnsNames: [], Now.AddDays(-10), Now.AddDays(365), rsa);

    public static X509Certificate2 CreateCa(
        string name, X509Certificate2 issuer, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool isCa = true, bool rsa = false) =>
        Create($"CN={name}", issuer, isCa, dnsNames: [], notBefore ?? Now.AddDays(-10), notAfter ?? Now.AddDays(365), rsa);

    /// <summary>Creates a server certificate; without an issuer it is self-signed.</summary>
    public static X509Certificate2 CreateServer(
        X509Certificate2? issuer,
        string[] dnsNames,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        bool rsa = false,
        string? commonName = null) =>
        Create($"CN={commonName ?? dnsNames.FirstOrDefault() ?? "server"}", issuer, isCa: false, dnsNames, notBefore ?? Now.AddDays(-10), notAfter ?? Now.AddDays(90), rsa);

    /// <summary>
    /// Creates a certificate whose issuer name is <paramref name="claimedIssuer"/>'s but whose
    /// signature is made with an unrelated key.
    /// </summary>
    public static X509Certificate2 CreateForged(X509Certificate2 claimedIssuer, string dnsName)
    {
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        AddServerExtensions(request, [dnsName]);
        using var certificate = request.Create(
            claimedIssuer.SubjectName, X509SignatureGenerator.CreateForECDsa(impostorKey), Now.AddDays(-1), Now.AddDays(30), NewSerial());
        return certificate.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Create(
        string subject, X509Certificate2? issuer, bool isCa, string[] dnsNames, DateTimeOffset notBefore, DateTimeOffset notAfter, bool rsa)
    {
        using var ecdsa = rsa ? null : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsaKey = rsa ? RSA.Create(2048) : null;
        var request = rsa
            ? new CertificateRequest(subject, rsaKey!, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, ecdsa!, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        if (isCa)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        }
        else
        {
            AddServerExtensions(request, dnsNames);
        }

        if (issuer is null)
        {
            return request.CreateSelfSigned(notBefore, notAfter);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));

        // The overload with a signature generator skips the check that the issuer is valid, so expired issuers can be made.
        using var certificate = request.Create(issuer.SubjectName, SignatureGenerator(issuer), notBefore, notAfter, NewSerial());
        return rsa ? certificate.CopyWithPrivateKey(rsaKey!) : certificate.CopyWithPrivateKey(ecdsa!);
    }

    private static void AddServerExtensions(CertificateRequest request, string[] dnsNames)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        if (dnsNames.Length > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                names.AddDnsName(name);
            }

            request.CertificateExtensions.Add(names.Build());
        }
    }

    private static X509SignatureGenerator SignatureGenerator(X509Certificate2 issuer) =>
        issuer.GetECDsaPrivateKey() is { } ecdsa
            ? X509SignatureGenerator.CreateForECDsa(ecdsa)
            : X509SignatureGenerator.CreateForRSA(issuer.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1);

    private static byte[] NewSerial() => RandomNumberGenerator.GetBytes(12);
}
