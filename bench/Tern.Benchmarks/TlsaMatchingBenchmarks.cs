using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Tern.Dane;

namespace Tern.Benchmarks;

/// <summary><see cref="TlsaVerifier.Verify"/> for SMTP: a DANE-EE match, a DANE-TA match with a name check, and a mismatch.</summary>
[MemoryDiagnoser]
public class TlsaMatchingBenchmarks
{
    private static readonly string[] ReferenceIdentifiers = [BenchmarkCertificates.ServerName];

    private X509Certificate2[] _serverOnly = [];
    private X509Certificate2[] _fullChain = [];
    private TlsaRecord[] _daneEe = [];
    private TlsaRecord[] _daneTa = [];
    private TlsaRecord[] _mismatch = [];
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var certificates = new BenchmarkCertificates();
        _serverOnly = [certificates.Server];
        _fullChain = [certificates.Server, certificates.Intermediate, certificates.Root];
        _daneEe = [TlsaGenerator.Create(certificates.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256)];
        _daneTa = [TlsaGenerator.Create(certificates.Root, CertificateUsage.DaneTa, Selector.FullCertificate, MatchingType.Sha256)];

        // Four records of the usual shapes whose digests match nothing, so every matching step runs and fails.
        _mismatch =
        [
            new TlsaRecord(CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256, RandomNumberGenerator.GetBytes(32)),
            new TlsaRecord(CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256, RandomNumberGenerator.GetBytes(32)),
            new TlsaRecord(CertificateUsage.DaneTa, Selector.FullCertificate, MatchingType.Sha256, RandomNumberGenerator.GetBytes(32)),
            new TlsaRecord(CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256, RandomNumberGenerator.GetBytes(32)),
        ];
        _now = DateTimeOffset.UtcNow;
    }

    [Benchmark(Description = "DANE-EE 3 1 1, server certificate only")]
    public bool DaneEeSpkiSha256() =>
        TlsaVerifier.Verify(_serverOnly, _daneEe, ReferenceIdentifiers, DaneService.Smtp, _now).IsVerified;

    [Benchmark(Description = "DANE-TA 2 0 1, 3 certificates, name check")]
    public bool DaneTaCertificateSha256() =>
        TlsaVerifier.Verify(_fullChain, _daneTa, ReferenceIdentifiers, DaneService.Smtp, _now).IsVerified;

    [Benchmark(Description = "mismatch, 4 records, 3 certificates")]
    public bool MismatchFourRecords() =>
        TlsaVerifier.Verify(_fullChain, _mismatch, ReferenceIdentifiers, DaneService.Smtp, _now).IsVerified;
}
