using Tern.Dns;

namespace Tern.Dane.Tests;

public sealed class TlsaRecordTests
{
    private static readonly string Sha256Hex = new('A', 64);

    [Fact]
    public void Parse_ReadsNumericFields()
    {
        var record = TlsaRecord.Parse($"3 1 1 {Sha256Hex}");

        Assert.Equal(CertificateUsage.DaneEe, record.Usage);
        Assert.Equal(Selector.SubjectPublicKeyInfo, record.Selector);
        Assert.Equal(MatchingType.Sha256, record.MatchingType);
        Assert.Equal(32, record.CertificateAssociationData.Length);
        Assert.True(record.IsUsable);
    }

    [Fact]
    public void Parse_ReadsMnemonicsAndSplitHex()
    {
        var record = TlsaRecord.Parse($"DANE-TA SPKI SHA2-256 ( {Sha256Hex[..32]}\n {Sha256Hex[32..].ToLowerInvariant()} )");

        Assert.Equal(CertificateUsage.DaneTa, record.Usage);
        Assert.Equal(MatchingType.Sha256, record.MatchingType);
        Assert.Equal($"2 1 1 {Sha256Hex}", record.ToString());
    }

    [Theory]
    [InlineData("x 1 1 00", "certificate usage 'x'")]
    [InlineData("256 1 1 00", "certificate usage '256'")]
    [InlineData("3 y 1 00", "selector 'y'")]
    [InlineData("3 1 -1 00", "matching type '-1'")]
    [InlineData("3 1", "Missing TLSA matching type")]
    [InlineData("3 1 1", "Missing TLSA certificate association data")]
    [InlineData("3 1 1 XYZ0", "association data 'XYZ0'")]
    [InlineData("3 1 1 ABC", "association data 'ABC'")]
    public void Parse_ErrorNamesField(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TlsaRecord.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4 1 1", "unknown certificate usage 4")]
    [InlineData("3 2 1", "unknown selector 2")]
    [InlineData("3 1 9", "unknown matching type 9")]
    public void UnknownValues_AreUnusable(string fields, string expected)
    {
        var record = TlsaRecord.Parse($"{fields} {Sha256Hex}");

        Assert.False(record.IsUsable);
        Assert.Equal(expected, record.UnusableReason);
    }

    [Theory]
    [InlineData("3 1 1 00", "SHA-256 data is 1 bytes, expected 32")]
    [InlineData("3 1 2 00", "SHA-512 data is 1 bytes, expected 64")]
    [InlineData("2 0 0 3000", "the data is not a DER certificate")]
    [InlineData("3 1 0 3000", "the data is not a DER SubjectPublicKeyInfo")]
    public void WrongDataLength_IsUnusable(string text, string expected)
    {
        var record = TlsaRecord.Parse(text);

        Assert.False(record.IsUsable);
        Assert.Equal(expected, record.UnusableReason);
    }

    [Fact]
    public void PkixUsages_UsableOnlyOutsideSmtp()
    {
        var pkixTa = TlsaRecord.Parse($"0 1 1 {Sha256Hex}");
        var pkixEe = TlsaRecord.Parse($"1 1 1 {Sha256Hex}");
        var daneEe = TlsaRecord.Parse($"3 1 1 {Sha256Hex}");

        Assert.False(pkixTa.IsUsableFor(DaneService.Smtp));
        Assert.False(pkixEe.IsUsableFor(DaneService.Smtp));
        Assert.True(pkixTa.IsUsableFor(DaneService.Other));
        Assert.True(pkixEe.IsUsableFor(DaneService.Other));
        Assert.True(daneEe.IsUsableFor(DaneService.Smtp));
    }

    [Fact]
    public void FromDns_CopiesFields()
    {
        var raw = new TlsaResourceRecord("_25._tcp.mx.example.org", 300, 2, 0, 1, new byte[32]);

        var record = TlsaRecord.FromDns(raw);

        Assert.Equal(CertificateUsage.DaneTa, record.Usage);
        Assert.Equal(Selector.FullCertificate, record.Selector);
        Assert.Equal(MatchingType.Sha256, record.MatchingType);
        Assert.True(record.IsUsable);
    }

    [Fact]
    public void Equality_ComparesData()
    {
        Assert.Equal(TlsaRecord.Parse($"3 1 1 {Sha256Hex}"), TlsaRecord.Parse($"3 1 1 {Sha256Hex.ToLowerInvariant()}"));
        Assert.NotEqual(TlsaRecord.Parse($"3 1 1 {Sha256Hex}"), TlsaRecord.Parse($"3 1 1 {new string('B', 64)}"));
    }
}
