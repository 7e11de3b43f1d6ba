using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Tern.Hosting.Configuration;

/// <summary>
/// Loads <see cref="TernOptions"/> from, in increasing precedence: the built-in defaults, a JSON file,
/// environment variables prefixed <c>TERN_</c> (<c>TERN_Limits__MaxRecipients=50</c>), and command-line
/// overrides (<c>--Limits:MaxRecipients=50</c>).
/// </summary>
public static class TernConfiguration
{
    public const string EnvironmentPrefix = "TERN_";

    /// <summary>
    /// Builds and validates the options. Throws <see cref="ConfigurationException"/> naming every bad key.
    /// </summary>
    public static TernOptions Load(string? configFile, IReadOnlyList<string> overrides)
    {
        var builder = new ConfigurationBuilder();

        if (configFile is not null)
        {
            var fullPath = Path.GetFullPath(configFile);
            if (!File.Exists(fullPath))
            {
                throw new ConfigurationException([$"configuration file '{fullPath}' not found; pass an existing JSON file to --config"]);
            }

            builder.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddCommandLine([.. overrides]);

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new ConfigurationException([$"configuration could not be read: {ex.Message}"]);
        }

        return Bind(root);
    }

    /// <summary>Binds and validates options from an already built configuration.</summary>
    public static TernOptions Bind(IConfiguration configuration)
    {
        var options = new TernOptions();
        try
        {
            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException([DescribeBindingError(ex)]);
        }

        ApplyDefaults(options);

        var errors = TernOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return options;
    }

    /// <summary>
    /// Fills in the built-in listeners and local domain when the configuration names none.
    /// A configured list replaces the built-in one whole instead of merging with it by index.
    /// </summary>
    internal static void ApplyDefaults(TernOptions options)
    {
        options.HostName ??= System.Net.Dns.GetHostName();

        if (options.Listeners.Count == 0)
        {
            options.Listeners.Add(new ListenerOptions { Address = "127.0.0.1", Port = 2525, Mode = ListenerMode.Mx });
            options.Listeners.Add(new ListenerOptions { Address = "127.0.0.1", Port = 5870, Mode = ListenerMode.Submission });
            options.Listeners.Add(new ListenerOptions { Address = "127.0.0.1", Port = 4650, Mode = ListenerMode.ImplicitTls });
        }

        if (options.LocalDomains.Count == 0)
        {
            options.LocalDomains["localhost"] = new LocalDomainOptions { CatchAll = true };
        }
    }

    private static string DescribeBindingError(InvalidOperationException ex)
    {
        // The binder's messages name the key ("... at 'Listeners:0:Mode' ..."); the inner exception,
        // when present, says why the value did not convert.
        var reason = ex.InnerException?.Message;
        return reason is null
            ? ex.Message
            : string.Create(CultureInfo.InvariantCulture, $"{ex.Message} {reason}");
    }
}
