using System.CommandLine;
using Tern.Cli.Commands;

namespace Tern.Cli;

/// <summary>The <c>tern</c> command. Exit codes: 0 success, 1 failure, 2 usage or configuration error.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Tern: a mail transfer agent with DANE-authenticated delivery.")
        {
            ServeCommand.Create(),
            QueueCommands.Create(),
            DaneCheckCommand.Create(),
            TlsaCommand.Create(),
            UserCommands.Create(),
            SendCommand.Create(),
        };

        // No response files: "tern user add --sender @example.org" names a domain, not a file to read.
        var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync($"tern: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Run 'tern --help' for usage.");
            return ExitCodes.Usage;
        }

        // serve handles SIGINT and SIGTERM itself and stops in order. The library's default would end
        // the process two seconds after the signal and cut open sessions short.
        return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
