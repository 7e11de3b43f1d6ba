using BenchmarkDotNet.Attributes;
using Tern.Dane;

namespace Tern.Benchmarks;

/// <summary><see cref="TlsaRecord.Parse"/> on presentation-format records as zone files and dig print them.</summary>
[MemoryDiagnoser]
public class TlsaParsingBenchmarks
{
    private readonly string _numeric = "3 1 1 9EC7AD9947E0DC5029E776CD65C7FA61844C7F34C0D0C14EEDBFC5F25A2FE65B";
    private readonly string _mnemonic = "DANE-EE SPKI SHA2-256 9EC7AD9947E0DC5029E776CD65C7FA61844C7F34C0D0C14EEDBFC5F25A2FE65B";
    private readonly string _parenthesized = "3 1 1 ( 9EC7AD9947E0DC5029E776CD65C7FA61\n 844C7F34C0D0C14EEDBFC5F25A2FE65B )";

    [Benchmark(Description = "3 1 1 with numbers")]
    public TlsaRecord Numeric() => TlsaRecord.Parse(_numeric);

    [Benchmark(Description = "DANE-EE SPKI SHA2-256 with names")]
    public TlsaRecord Mnemonic() => TlsaRecord.Parse(_mnemonic);

    [Benchmark(Description = "3 1 1 split over lines in parentheses")]
    public TlsaRecord Parenthesized() => TlsaRecord.Parse(_parenthesized);
}
