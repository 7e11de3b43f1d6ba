using System.CommandLine;
using System.Runtime.InteropServices;
using Tern.Hosting;
using Tern.Hosting.Configuration;
using Tern.Hosting.Logging;

namespace Tern.Cli.Commands;

/// <summary><c>tern serve</c>: runs the MTA in the foreground until SIGINT or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = ConfigOption.Create();
        var command = new Command("serve", "Run the mail server in the foreground until SIGINT or SIGTERM. Any other --Key=value argument overrides a configuration key, for example --Limits:MaxRecipients=50.")
        {
            config,
        };

        // Unmatched "--Section:Key=value" tokens become configuration overrides.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, config));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, Option<FileInfo?> config)
    {
        var options = ConfigOption.Load(parseResult, config);
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        using var loggerFactory = TernLogging.CreateFactory(options.LogLevel);
        try
        {
            await new TernHost(options, loggerFactory).RunAsync(stop.Token);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is StartupException or ConfigurationException)
        {
            loggerFactory.Dispose();
            await Console.Error.WriteLineAsync($"tern: cannot start: {ex.Message}");
            return ex is ConfigurationException ? ExitCodes.Usage : ExitCodes.Failure;
        }

        void Stop(PosixSignalContext context)
        {
            // Handle the signal ourselves so the process stops in order instead of dying.
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
