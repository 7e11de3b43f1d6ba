using BenchmarkDotNet.Running;

namespace Tern.Benchmarks;

/// <summary>
/// Runs the micro-benchmarks of the DANE engine and the DNS layer. Pass BenchmarkDotNet's own
/// arguments, for example <c>--filter '*' --job short</c>; docs/benchmarks.md has the recorded runs.
/// </summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
