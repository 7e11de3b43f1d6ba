using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Benchmarks;

/// <summary>
/// A three-certificate chain made at start-up: a self-signed root, an intermediate CA and a server
/// certificate for <see cref="ServerName"/>, all with ECDSA P-256 keys as the DANE lab uses.
/// </summary>
internal sealed class BenchmarkCertificates
{
    public const string ServerName = "mx.bench.example";

    public BenchmarkCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Bench Root CA", rootKey, HashAlgorithmName.SHA256);
        AddCaExtensions(rootRequest, pathLength: 1);
        Root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Bench Intermediate CA", intermediateKey, HashAlgorithmName.SHA256);
        AddCaExtensions(intermediateRequest, pathLength: 0);
        using var intermediatePublic = intermediateRequest.Create(Root, now.AddDays(-1), now.AddMonths(6), [1, 2]);
        Intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={ServerName}", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerName);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        Server = serverRequest.Create(Intermediate, now.AddDays(-1), now.AddMonths(3), [3, 4]);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public X509Certificate2 Server { get; }

    private static void AddCaExtensions(CertificateRequest request, int pathLength)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
    }
}
