using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane.Tests;

/// <summary>A root CA, an intermediate CA and a server certificate for mx.example.org.</summary>
internal sealed record TestChain(X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Server)
{
    public const string ServerName = "mx.example.org";

    private static readonly Lazy<TestChain> SharedChain = new(() => Create());

    /// <summary>A chain made once and shared by the tests that do not need special certificates.</summary>
    public static TestChain Shared => SharedChain.Value;

    /// <summary>What a typical server sends: its certificate and the intermediate, not the root.</summary>
    public IReadOnlyList<X509Certificate2> Presented => [Server, Intermediate];

    public IReadOnlyList<X509Certificate2> PresentedWithRoot => [Server, Intermediate, Root];

    public static TestChain Create(
        string[]? serverNames = null,
        DateTimeOffset? serverNotAfter = null,
        DateTimeOffset? intermediateNotAfter = null,
        bool intermediateIsCa = true,
        bool rsa = false)
    {
        var root = TestCertificates.CreateRoot(rsa: rsa);
        var intermediate = TestCertificates.CreateCa("Test Intermediate CA", root, notAfter: intermediateNotAfter, isCa: intermediateIsCa, rsa: rsa);
        var server = TestCertificates.CreateServer(intermediate, serverNames ?? [ServerName], notAfter: serverNotAfter, rsa: rsa);
        return new TestChain(root, intermediate, server);
    }
}
