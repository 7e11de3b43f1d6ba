using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane.Tests;

public sealed class TlsaVerifierTests
{
    private static readonly string[] Names = [TestChain.ServerName];

    public static TheoryData<Selector, MatchingType> AllParameters => new()
    {
        { Selector.FullCertificate, MatchingType.Full },
        { Selector.FullCertificate, MatchingType.Sha256 },
        { Selector.FullCertificate, MatchingType.Sha512 },
        { Selector.SubjectPublicKeyInfo, MatchingType.Full },
        { Selector.SubjectPublicKeyInfo, MatchingType.Sha256 },
        { Selector.SubjectPublicKeyInfo, MatchingType.Sha512 },
    };

    [Theory]
    [MemberData(nameof(AllParameters))]
    public void DaneEe_MatchesServerCertificate(Selector selector, MatchingType matchingType)
    {
        var chain = TestChain.Shared;
        var record = TlsaGenerator.Create(chain.Server, CertificateUsage.DaneEe, selector, matchingType);

        var result = Verify(chain.Presented, record);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(record, result.MatchedRecord);
        Assert.Equal(0, result.Depth);
        Assert.Null(result.MatchedName);
    }

    [Theory]
    [MemberData(nameof(AllParameters))]
    public void DaneTa_MatchesIntermediateAtDepthOne(Selector selector, MatchingType matchingType)
    {
        var chain = TestChain.Shared;
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, selector, matchingType);

        var result = Verify(chain.Presented, record);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(1, result.Depth);
        Assert.Equal(TestChain.ServerName, result.MatchedName);
    }

    [Theory]
    [MemberData(nameof(AllParameters))]
    public void DaneTa_MatchesRootAtDepthTwo(Selector selector, MatchingType matchingType)
    {
        var chain = TestChain.Shared;
        var record = TlsaGenerator.Create(chain.Root, CertificateUsage.DaneTa, selector, matchingType);

        var result = Verify(chain.PresentedWithRoot, record);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(2, result.Depth);
    }

    [Fact]
    public void DaneTa_SelfSignedServerAtDepthZero()
    {
        var server = TestCertificates.CreateServer(issuer: null, Names);
        var record = TlsaGenerator.Create(server, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify([server], record);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(0, result.Depth);
    }

    [Fact]
    public void DaneTa_IssuedServerCertificateIsNoAnchor()
    {
        // A DANE-TA record names an issuer; the server's own certificate counts only when it is self-issued.
        var chain = TestChain.Shared;
        var record = TlsaGenerator.Create(chain.Server, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.Presented, record);

        Assert.False(result.IsVerified);
        Assert.StartsWith(TlsaVerifier.NoMatchMessage, result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneEe_ExpiredServerCertificatePasses()
    {
        var server = TestCertificates.CreateServer(
            TestChain.Shared.Intermediate, Names, TestCertificates.Now.AddDays(-60), TestCertificates.Now.AddDays(-1));
        var record = TlsaGenerator.Create(server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify([server, TestChain.Shared.Intermediate], record);

        Assert.True(result.IsVerified, result.FailureReason);
    }

    [Fact]
    public void DaneEe_OtherNamePasses()
    {
        var server = TestCertificates.CreateServer(TestChain.Shared.Intermediate, ["other.example.net"]);
        var record = TlsaGenerator.Create(server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify([server], record);

        Assert.True(result.IsVerified, result.FailureReason);
    }

    [Fact]
    public void DaneEe_OtherKeyFails()
    {
        var chain = TestChain.Shared;
        var other = TestCertificates.CreateServer(chain.Intermediate, Names);
        var record = TlsaGenerator.Create(other, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.Presented, record);

        Assert.False(result.IsVerified);
        Assert.Null(result.MatchedRecord);
        Assert.StartsWith(TlsaVerifier.NoMatchMessage, result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_NameMismatchFails()
    {
        var chain = TestChain.Create(serverNames: ["mx.example.net"]);
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.Presented, record);

        Assert.False(result.IsVerified);
        Assert.StartsWith(TlsaVerifier.NoMatchMessage, result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("matches none of the names mx.example.org", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_SecondReferenceIdentifierMatches()
    {
        var chain = TestChain.Create(serverNames: ["example.org"]);
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = TlsaVerifier.Verify(chain.Presented, [record], ["mx.example.org", "example.org"], DaneService.Smtp, TestCertificates.Now);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal("example.org", result.MatchedName);
    }

    [Theory]
    [InlineData("*.example.org", "mx.example.org", true)]
    [InlineData("*.example.org", "a.mx.example.org", false)]
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("m*.example.org", "mx.example.org", false)]
    [InlineData("mx.*.org", "mx.example.org", false)]
    public void DaneTa_WildcardOnlyAsWholeLeftmostLabel(string certificateName, string referenceIdentifier, bool expected)
    {
        var server = TestCertificates.CreateServer(TestChain.Shared.Intermediate, [certificateName]);
        var record = TlsaGenerator.Create(TestChain.Shared.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = TlsaVerifier.Verify([server, TestChain.Shared.Intermediate], [record], [referenceIdentifier], DaneService.Smtp, TestCertificates.Now);

        Assert.Equal(expected, result.IsVerified);
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "other.example.org" }, false)]
    public void DaneTa_CommonNameOnlyWithoutDnsNames(string[] dnsNames, bool expected)
    {
        var server = TestCertificates.CreateServer(TestChain.Shared.Intermediate, dnsNames, commonName: TestChain.ServerName);
        var record = TlsaGenerator.Create(TestChain.Shared.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify([server, TestChain.Shared.Intermediate], record);

        Assert.Equal(expected, result.IsVerified);
    }

    [Fact]
    public void DaneTa_ExpiredIntermediateBelowAnchorFails()
    {
        var chain = TestChain.Create(intermediateNotAfter: TestCertificates.Now.AddDays(-1));
        var record = TlsaGenerator.Create(chain.Root, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.PresentedWithRoot, record);

        Assert.False(result.IsVerified);
        Assert.Contains("'CN=Test Intermediate CA' expired", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_ExpiredAnchorCertificatePasses()
    {
        // The anchor is a name and a key; OpenSSL 3.0 accepts this chain too (see the cross-check).
        var chain = TestChain.Create(intermediateNotAfter: TestCertificates.Now.AddDays(-1));
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.Presented, record);

        Assert.True(result.IsVerified, result.FailureReason);
    }

    [Fact]
    public void DaneTa_ExpiredIntermediateBelowDnsAnchorFails()
    {
        var chain = TestChain.Create(intermediateNotAfter: TestCertificates.Now.AddDays(-1));
        var record = TlsaGenerator.Create(chain.Root, CertificateUsage.DaneTa, Selector.FullCertificate, MatchingType.Full);

        var result = Verify(chain.Presented, record);

        Assert.False(result.IsVerified);
        Assert.Contains("'CN=Test Intermediate CA' expired", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_ExpiredServerCertificateFails()
    {
        var chain = TestChain.Create(serverNotAfter: TestCertificates.Now.AddDays(-1));
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.Presented, record);

        Assert.False(result.IsVerified);
        Assert.Contains("expired", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_IssuerWithoutCaFlagFails()
    {
        var chain = TestChain.Create(intermediateIsCa: false);
        var record = TlsaGenerator.Create(chain.Root, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.PresentedWithRoot, record);

        Assert.False(result.IsVerified);
        Assert.Contains("is not a CA", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_ForgedSignatureFails()
    {
        var chain = TestChain.Shared;
        var forged = TestCertificates.CreateForged(chain.Intermediate, TestChain.ServerName);
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify([forged, chain.Intermediate], record);

        Assert.False(result.IsVerified);
        Assert.Contains("does not verify", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_ChainInAnyOrder()
    {
        var chain = TestChain.Shared;
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify([chain.Server, chain.Root, chain.Intermediate], record);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(1, result.Depth);
    }

    [Fact]
    public void DaneTa_RsaChain()
    {
        var chain = TestChain.Create(rsa: true);
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha512);

        var result = Verify(chain.Presented, record);

        Assert.True(result.IsVerified, result.FailureReason);
    }

    [Fact]
    public void DaneTa_AnchorCertificateOnlyInDns()
    {
        // The server sends its certificate and the intermediate; "2 0 0" carries the root itself.
        var chain = TestChain.Shared;
        var record = TlsaGenerator.Create(chain.Root, CertificateUsage.DaneTa, Selector.FullCertificate, MatchingType.Full);

        var result = Verify(chain.Presented, record);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(2, result.Depth);
        Assert.Equal(TestChain.ServerName, result.MatchedName);
    }

    [Fact]
    public void DaneTa_AnchorKeyOnlyInDns()
    {
        var chain = TestChain.Shared;
        var record = TlsaGenerator.Create(chain.Root, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Full);

        var result = Verify(chain.Presented, record);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(2, result.Depth);
    }

    [Fact]
    public void DaneTa_UnrelatedAnchorInDnsFails()
    {
        var chain = TestChain.Shared;
        var otherRoot = TestCertificates.CreateRoot("Other Root CA");
        var record = TlsaGenerator.Create(otherRoot, CertificateUsage.DaneTa, Selector.FullCertificate, MatchingType.Full);

        var result = Verify(chain.Presented, record);

        Assert.False(result.IsVerified);
        Assert.StartsWith(TlsaVerifier.NoMatchMessage, result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnusableRecords_AreIgnored()
    {
        var chain = TestChain.Shared;
        var good = TlsaGenerator.Create(chain.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);
        var badSelector = new TlsaRecord(CertificateUsage.DaneEe, (Selector)2, MatchingType.Sha256, good.CertificateAssociationData.Span);
        var badMatchingType = new TlsaRecord(CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, (MatchingType)9, good.CertificateAssociationData.Span);

        var onlyUnusable = TlsaVerifier.Verify(chain.Presented, [badSelector, badMatchingType], Names, DaneService.Smtp, TestCertificates.Now);
        var withGood = TlsaVerifier.Verify(chain.Presented, [badSelector, badMatchingType, good], Names, DaneService.Smtp, TestCertificates.Now);

        Assert.False(onlyUnusable.IsVerified);
        Assert.Contains("no record is usable", onlyUnusable.FailureReason, StringComparison.Ordinal);
        Assert.True(withGood.IsVerified, withGood.FailureReason);
        Assert.Equal(good, withGood.MatchedRecord);
    }

    [Fact]
    public void DigestAgility_StrongerDigestHidesWeaker()
    {
        var chain = TestChain.Shared;
        var sha256 = TlsaGenerator.Create(chain.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);
        var wrongSha512 = new TlsaRecord(CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha512, new byte[64]);

        var result = Verify(chain.Presented, sha256, wrongSha512);

        Assert.False(result.IsVerified);
    }

    [Fact]
    public void DigestAgility_StrongerDigestMatches()
    {
        var chain = TestChain.Shared;
        var wrongSha256 = new TlsaRecord(CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256, new byte[32]);
        var sha512 = TlsaGenerator.Create(chain.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha512);

        var result = Verify(chain.Presented, wrongSha256, sha512);

        Assert.True(result.IsVerified, result.FailureReason);
        Assert.Equal(sha512, result.MatchedRecord);
    }

    [Fact]
    public void DigestAgility_AppliesPerSelector()
    {
        // The SHA-512 record has selector 0, so the SHA-256 record with selector 1 is still used.
        var chain = TestChain.Shared;
        var sha256Spki = TlsaGenerator.Create(chain.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);
        var wrongSha512Cert = new TlsaRecord(CertificateUsage.DaneEe, Selector.FullCertificate, MatchingType.Sha512, new byte[64]);

        var result = Verify(chain.Presented, sha256Spki, wrongSha512Cert);

        Assert.True(result.IsVerified, result.FailureReason);
    }

    [Fact]
    public void DigestAgility_FullRecordsAlwaysUsed()
    {
        var chain = TestChain.Shared;
        var full = TlsaGenerator.Create(chain.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Full);
        var wrongSha512 = new TlsaRecord(CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha512, new byte[64]);

        var result = Verify(chain.Presented, full, wrongSha512);

        Assert.True(result.IsVerified, result.FailureReason);
    }

    [Fact]
    public void PkixUsages_UnusableForSmtp()
    {
        var chain = TestChain.Shared;
        var pkixEe = TlsaGenerator.Create(chain.Server, CertificateUsage.PkixEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify(chain.Presented, pkixEe);

        Assert.False(result.IsVerified);
        Assert.Contains("does not apply to SMTP", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void PkixUsages_NeedWebPkiChain()
    {
        var chain = TestChain.Shared;
        var pkixTa = TlsaGenerator.Create(chain.Root, CertificateUsage.PkixTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = TlsaVerifier.Verify(chain.PresentedWithRoot, [pkixTa], Names, DaneService.Other, TestCertificates.Now);

        Assert.False(result.IsVerified);
        Assert.Contains("WebPKI", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyChain_Fails()
    {
        var record = TlsaGenerator.Create(TestChain.Shared.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var result = Verify([], record);

        Assert.False(result.IsVerified);
        Assert.StartsWith(TlsaVerifier.NoMatchMessage, result.FailureReason, StringComparison.Ordinal);
    }

    private static DaneVerificationResult Verify(IReadOnlyList<X509Certificate2> presented, params TlsaRecord[] records) =>
        TlsaVerifier.Verify(presented, records, Names, DaneService.Smtp, TestCertificates.Now);
}
