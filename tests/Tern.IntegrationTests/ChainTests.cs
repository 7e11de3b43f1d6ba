using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests;

/// <summary>The server sends the intermediates of its certificate file, as clients building a WebPKI or DANE-TA path need.</summary>
public sealed partial class ChainTests
{
    [Fact]
    public async Task StartTls_ChainFile_SendsLeafAndIntermediate()
    {
        var directory = Directory.CreateTempSubdirectory("tern-chain-").FullName;
        try
        {
            var (chainFile, keyFile, intermediateSubject) = WriteChain(directory);
            await using var server = await TernServer.StartAsync(config => config["Tls"] = new { CertificateFile = chainFile, KeyFile = keyFile });

            var result = await ExternalTool.RunAsync(
                "openssl",
                ["s_client", "-starttls", "smtp", "-showcerts", "-connect", $"{server.Address}:{server.MxPort}"],
                standardInput: "QUIT\n");

            var sent = CertificateBlock().Count(result.StandardOutput);
            Assert.True(sent == 2, $"expected leaf and intermediate, got {sent} certificates:\n{result}");
            Assert.Contains("CN=Tern Test Intermediate", result.StandardOutput.Replace(" = ", "=", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(intermediateSubject));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (string ChainFile, string KeyFile, string IntermediateSubject) WriteChain(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Tern Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Tern Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var intermediate = intermediateRequest.Create(root, now.AddDays(-1), now.AddDays(20), [1, 2, 3, 4]);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=mx.tern.test", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("mx.tern.test");
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var leaf = leafRequest.Create(intermediate.CopyWithPrivateKey(intermediateKey), now.AddDays(-1), now.AddDays(10), [5, 6, 7, 8]);

        var chainFile = Path.Combine(directory, "chain.pem");
        var keyFile = Path.Combine(directory, "key.pem");
        File.WriteAllText(chainFile, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n" + root.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, leafKey.ExportPkcs8PrivateKeyPem());
        return (chainFile, keyFile, intermediate.Subject);
    }

    [GeneratedRegex("-----BEGIN CERTIFICATE-----")]
    private static partial Regex CertificateBlock();
}
