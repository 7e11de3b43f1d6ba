using System.Security.Cryptography;

namespace Tern.Dane.Tests;

public sealed class TlsaGeneratorTests
{
    [Fact]
    public void Create_HashesSubjectPublicKeyInfo()
    {
        var server = TestChain.Shared.Server;

        var record = TlsaGenerator.Create(server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        Assert.Equal(SHA256.HashData(server.PublicKey.ExportSubjectPublicKeyInfo()), record.CertificateAssociationData.ToArray());
    }

    [Fact]
    public void Create_FullCertificateIsRawData()
    {
        var server = TestChain.Shared.Server;

        var record = TlsaGenerator.Create(server, CertificateUsage.DaneTa, Selector.FullCertificate, MatchingType.Full);

        Assert.Equal(server.RawData, record.CertificateAssociationData.ToArray());
        Assert.True(record.IsUsable);
    }

    [Fact]
    public void ToZoneLine_FormatsOwnerAndData()
    {
        var record = TlsaGenerator.Create(TestChain.Shared.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        var line = TlsaGenerator.ToZoneLine(record, "MX.example.org.");

        Assert.Equal($"_25._tcp.mx.example.org. IN TLSA 3 1 1 {Convert.ToHexString(record.CertificateAssociationData.Span)}", line);
    }

    [Fact]
    public void GetWarning_ForDaneEeFullCertificate()
    {
        var server = TestChain.Shared.Server;
        var fullCertificate = TlsaGenerator.Create(server, CertificateUsage.DaneEe, Selector.FullCertificate, MatchingType.Sha256);
        var publicKey = TlsaGenerator.Create(server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

        Assert.Contains("3 1 1", TlsaGenerator.GetWarning(fullCertificate), StringComparison.Ordinal);
        Assert.Null(TlsaGenerator.GetWarning(publicKey));
    }
}
