using System.Globalization;
using System.Net;

namespace Tern.Cli.Commands.Dane;

/// <summary>Parses and checks the domain names, addresses and ports given to the DANE commands.</summary>
internal static class CommandLineValues
{
    /// <summary>
    /// Returns true when the text is an ASCII domain name (RFC 1035 section 2.3.4 lengths, letters,
    /// digits, hyphens and underscores), with or without the trailing dot, and gives it normalized.
    /// </summary>
    public static bool TryParseDomain(string text, out string domain, out string error)
    {
        domain = text.TrimEnd('.').ToLowerInvariant();
        error = string.Empty;
        if (domain.Length == 0 || domain.Length > 253)
        {
            error = $"invalid domain '{text}': expected a name of 1 to 253 characters, such as example.org";
            return false;
        }

        if (domain.Any(c => c > 127))
        {
            // NOTE: internationalized names are not converted; the A-label form works.
            error = $"invalid domain '{text}': write an internationalized name in its A-label form (xn--...)";
            return false;
        }

        foreach (var label in domain.Split('.'))
        {
            if (label.Length == 0)
            {
                error = $"invalid domain '{text}': it contains an empty label (two dots in a row or a leading dot)";
                return false;
            }

            var validCharacters = label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
            if (label.Length > 63 || !validCharacters || label.StartsWith('-') || label.EndsWith('-'))
            {
                error = $"invalid domain '{text}': the label '{label}' must have 1 to 63 letters, digits or inner hyphens";
                return false;
            }
        }

        if (IPAddress.TryParse(domain, out _))
        {
            error = $"invalid domain '{text}': expected a domain name, not an address";
            return false;
        }

        return true;
    }

    /// <summary>Parses ADDRESS or ADDRESS:PORT, with IPv6 addresses in brackets when a port follows.</summary>
    public static bool TryParseResolver(string text, out IPEndPoint endPoint, out string error)
    {
        error = string.Empty;
        if (!IPEndPoint.TryParse(text, out var parsed))
        {
            endPoint = null!;
            error = $"invalid resolver address '{text}': expected an IP address with an optional port, such as 127.0.0.1, 127.0.0.1:53 or [::1]:53";
            return false;
        }

        endPoint = parsed.Port == 0 && !text.EndsWith(":0", StringComparison.Ordinal) ? new IPEndPoint(parsed.Address, 53) : parsed;
        if (endPoint.Port == 0)
        {
            error = $"invalid resolver port in '{text}': expected 1 to 65535";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Splits HOST, HOST:PORT or [IPv6]:PORT. <paramref name="port"/> is null when none was given.
    /// The host may be a domain name or an IP address.
    /// </summary>
    public static bool TryParseHostAndPort(string text, out string host, out int? port, out string error)
    {
        host = text;
        port = null;
        error = string.Empty;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                error = $"invalid host '{text}': expected [IPv6-ADDRESS]:PORT";
                return false;
            }

            host = text[1..close];
            portText = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            portText = text[(colon + 1)..];
        }

        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || !IsPort(value))
            {
                error = $"invalid port '{portText}' in '{text}': expected 1 to 65535";
                return false;
            }

            port = value;
        }

        if (IPAddress.TryParse(host, out _))
        {
            return true;
        }

        if (!TryParseDomain(host, out var domain, out error))
        {
            return false;
        }

        host = domain;
        return true;
    }

    public static bool IsPort(int value) => value is > 0 and <= ushort.MaxValue;
}
