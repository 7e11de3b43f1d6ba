namespace Tern.Hosting.Configuration;

/// <summary>Invalid configuration: each error names the key and the problem.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception("invalid configuration: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
