using System.Diagnostics;
using System.Text;

namespace Tern.IntegrationTests.Infrastructure;

/// <summary>Runs the built <c>tern</c> executable as a child process.</summary>
internal static class TernCli
{
    internal sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>The tern.dll built beside this test assembly's configuration.</summary>
    public static string AssemblyPath
    {
        get
        {
            // tests/Tern.IntegrationTests/bin/<Configuration>/net10.0/ -> src/Tern.Cli/bin/<Configuration>/net10.0/tern.dll
            var testDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var framework = Path.GetFileName(testDirectory);
            var configuration = Path.GetFileName(Path.GetDirectoryName(testDirectory)!);
            var root = Path.GetFullPath(Path.Combine(testDirectory, "..", "..", "..", "..", ".."));
            var path = Path.Combine(root, "src", "Tern.Cli", "bin", configuration, framework, "tern.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"tern.dll not found at {path}; build the solution first");
        }
    }

    public static Process Start(IReadOnlyList<string> arguments, Action<string> onLine, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task<Result> RunAsync(IReadOnlyList<string> arguments, string? standardInput = null, string? workingDirectory = null)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
