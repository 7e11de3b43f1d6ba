namespace Tern.Dns;

/// <summary>Domain name helpers. DNS compares names case-insensitively (RFC 4343).</summary>
public static class DnsName
{
    /// <summary>Returns the name in lower case without a trailing dot, the form every Tern.Dns result uses.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        return trimmed.ToLowerInvariant();
    }

    /// <summary>Returns the owner name of the TLSA records for a TCP service, for example _25._tcp.mx.example.org (RFC 6698 section 3).</summary>
    public static string TlsaOwner(string host, int port) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"_{port}._tcp.{Normalize(host)}");
}
