namespace Tern.Dane.Tests;

/// <summary>Runs the same chains and records through OpenSSL's DANE client and through <see cref="TlsaVerifier"/>.</summary>
public sealed class OpenSslCrossCheckTests
{
    public static TheoryData<string> Cases => new()
    {
        "EE match",
        "EE mismatch",
        "TA at depth 1",
        "TA name mismatch",
        "TA on server certificate",
        "TA on expired intermediate",
        "TA above expired intermediate",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verdict_AgreesWithOpenSsl(string name)
    {
        var (chain, record, expected) = Build(name);
        using var server = new OpenSslServer(chain.Server, [chain.Intermediate, chain.Root]);

        var (openSslVerified, output) = server.RunDaneClient(TestChain.ServerName, record);
        var result = TlsaVerifier.Verify(chain.PresentedWithRoot, [record], [TestChain.ServerName], DaneService.Smtp, DateTimeOffset.UtcNow);

        Assert.True(expected == openSslVerified, $"OpenSSL verified: {openSslVerified}, expected {expected}. Output: {output}");
        Assert.True(expected == result.IsVerified, $"Tern: {result}");
    }

    private static readonly Lazy<TestChain> ExpiredIntermediate = new(() => TestChain.Create(intermediateNotAfter: DateTimeOffset.UtcNow.AddDays(-1)));

    private static (TestChain Chain, TlsaRecord Record, bool Expected) Build(string name)
    {
        var chain = TestChain.Shared;
        return name switch
        {
            "EE match" => (chain, Spki(chain.Server, CertificateUsage.DaneEe), true),
            "EE mismatch" => (chain, Spki(TestCertificates.CreateServer(chain.Intermediate, [TestChain.ServerName]), CertificateUsage.DaneEe), false),
            "TA at depth 1" => (chain, Spki(chain.Intermediate, CertificateUsage.DaneTa), true),
            "TA name mismatch" => WithChain(TestChain.Create(serverNames: ["mx.example.net"]), c => c.Intermediate, false),
            "TA on server certificate" => (chain, Spki(chain.Server, CertificateUsage.DaneTa), false),
            "TA on expired intermediate" => WithChain(ExpiredIntermediate.Value, c => c.Intermediate, true),
            "TA above expired intermediate" => WithChain(ExpiredIntermediate.Value, c => c.Root, false),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown case."),
        };
    }

    private static (TestChain, TlsaRecord, bool) WithChain(TestChain chain, Func<TestChain, System.Security.Cryptography.X509Certificates.X509Certificate2> anchor, bool expected) =>
        (chain, Spki(anchor(chain), CertificateUsage.DaneTa), expected);

    private static TlsaRecord Spki(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CertificateUsage usage) =>
        TlsaGenerator.Create(certificate, usage, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);
}
