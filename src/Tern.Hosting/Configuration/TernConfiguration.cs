using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Tern.Hosting.Configuration;

/// <summary>
/// Loads <see cref="TernOptions"/> from, in increasing precedence: the built-in defaults, a JSON file,
/// environment variables prefixed <c>TERN_</c> (<c>TERN_Limits__MaxRecipients=50</c>), and command-line
/// overrides (<c>--Limits:MaxRecipients=50</c>).
/// </summary>
public static partial class TernConfiguration
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
            // The JSON provider wraps the parser's error, which carries the line and position.
            var innermost = ex;
            while (innermost.InnerException is not null)
            {
                innermost = innermost.InnerException;
            }

            var detail = innermost == ex ? string.Empty : $" {innermost.Message}";
            throw new ConfigurationException([$"configuration could not be read: {ex.Message}{detail}"]);
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

        var errors = new List<string>();
        foreach (var list in new[] { "Listeners", "LocalDomains" })
        {
            // An explicit empty list binds like an absent one; say so instead of silently using the defaults.
            if (configuration.GetSection(list) is { Value: "" })
            {
                errors.Add($"{list}: the list is empty; remove the key to use the built-in {list}, or name at least one");
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        ApplyDefaults(options);

        errors = TernOptionsValidator.Validate(options);
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

    /// <summary>Rewrites the binder's messages into "key: problem" form.</summary>
    private static string DescribeBindingError(InvalidOperationException ex)
    {
        var conversion = ConversionFailure().Match(ex.Message);
        if (conversion.Success)
        {
            var type = conversion.Groups["type"].Value;
            var expected = type switch
            {
                _ when type.StartsWith("System.Int", StringComparison.Ordinal) => "a whole number",
                "System.Boolean" => "true or false",
                _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list",
                _ when type.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "an object",
                _ => EnumNames(type) is { } names ? "one of " + names : "a value of type " + type,
            };
            return string.Create(CultureInfo.InvariantCulture, $"{conversion.Groups["key"].Value}: '{conversion.Groups["value"].Value}' is not valid; expected {expected}");
        }

        var unknown = UnknownKeys().Match(ex.Message);
        if (unknown.Success)
        {
            return $"unknown key {unknown.Groups["keys"].Value}; check the spelling against docs/configuration.md";
        }

        return ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message;
    }

    private static string? EnumNames(string typeName)
    {
        var type = typeof(TernOptions).Assembly.GetType(typeName) ?? typeof(Tern.Delivery.Remote.TlsPolicy).Assembly.GetType(typeName);
        return type is { IsEnum: true } ? string.Join(", ", Enum.GetNames(type)) : null;
    }

    [GeneratedRegex("Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex("properties were not found on the instance of [^:]*: (?<keys>.*)$")]
    private static partial Regex UnknownKeys();
}
