using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tern.Hosting.Configuration;

namespace Tern.Hosting.Tls;

/// <summary>
/// Loads the server certificate from PEM files, or creates a self-signed one in the data directory on
/// first start so that a new installation offers STARTTLS at once.
/// </summary>
public static class CertificateLoader
{
    public const string SelfSignedCertificateFile = "tls/self-signed.crt";
    public const string SelfSignedKeyFile = "tls/self-signed.key";

    /// <summary>Returns the certificate with its private key, and any intermediates that followed it in the file.</summary>
    public static ServerCertificate Load(TlsOptions tls, string dataDirectory, string hostName, TimeProvider timeProvider)
    {
        string certificateFile;
        string keyFile;
        var generated = false;

        if (tls.CertificateFile is not null && tls.KeyFile is not null)
        {
            certificateFile = tls.CertificateFile;
            keyFile = tls.KeyFile;
        }
        else
        {
            certificateFile = Path.Combine(dataDirectory, SelfSignedCertificateFile);
            keyFile = Path.Combine(dataDirectory, SelfSignedKeyFile);
            if (!File.Exists(certificateFile) || !File.Exists(keyFile))
            {
                CreateSelfSigned(certificateFile, keyFile, hostName, timeProvider);
                generated = true;
            }
        }

        try
        {
            var leaf = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certificateFile);
            var intermediates = new X509Certificate2Collection();
            foreach (var certificate in all)
            {
                if (certificate.Thumbprint != leaf.Thumbprint)
                {
                    intermediates.Add(certificate);
                }
            }

            return new ServerCertificate(leaf, intermediates, Path.GetFullPath(certificateFile), generated);
        }
        catch (CryptographicException ex)
        {
            throw new ConfigurationException([$"Tls: cannot load certificate '{Path.GetFullPath(certificateFile)}' with key '{Path.GetFullPath(keyFile)}': {ex.Message}; both must be PEM and the key must belong to the first certificate"]);
        }
    }

    private static void CreateSelfSigned(string certificateFile, string keyFile, string hostName, TimeProvider timeProvider)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(certificateFile))!);

        // RSA 2048 rather than ECDSA: every SMTP client still in use can verify it.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        if (!string.Equals(hostName, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddDnsName("localhost");
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));

        var now = timeProvider.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));

        // The key file is created owner-only before any secret is written to it.
        var keyOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var keyWriter = new StreamWriter(keyFile, keyOptions))
        {
            keyWriter.Write(key.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
    }
}
