using System.Security.Cryptography.X509Certificates;

namespace Tern.Hosting.Tls;

/// <summary>The server's certificate with its key, the intermediates sent with it, and where it came from.</summary>
public sealed record ServerCertificate(X509Certificate2 Certificate, X509Certificate2Collection Intermediates, string SourceFile, bool Generated);
