using System.CommandLine;
using Tern.Hosting.Configuration;

namespace Tern.Cli.Commands;

/// <summary>The <c>--config</c> option and the loading of options that several commands share.</summary>
internal static class ConfigOption
{
    public static Option<FileInfo?> Create() => new("--config", "-c")
    {
        Description = "JSON configuration file; without it Tern runs on its built-in defaults",
    };

    /// <summary>Loads the options, or prints every configuration error and returns null.</summary>
    public static TernOptions? Load(ParseResult parseResult, Option<FileInfo?> option)
    {
        // Unmatched arguments are configuration overrides; anything else is a mistyped option.
        foreach (var token in parseResult.UnmatchedTokens)
        {
            if (!token.StartsWith("--", StringComparison.Ordinal) || !token.Contains('=', StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"tern: unknown argument '{token}'; configuration overrides take the form --Section:Key=value");
                return null;
            }
        }

        try
        {
            return TernConfiguration.Load(parseResult.GetValue(option)?.FullName, parseResult.UnmatchedTokens);
        }
        catch (ConfigurationException ex)
        {
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"tern: configuration error: {error}");
            }

            return null;
        }
    }
}
