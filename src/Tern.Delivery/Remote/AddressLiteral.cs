using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Tern.Delivery.Remote;

/// <summary>Parses the address literals of RFC 5321 section 4.1.3: <c>[192.0.2.1]</c> and <c>[IPv6:2001:db8::1]</c>.</summary>
internal static class AddressLiteral
{
    private const string Ipv6Tag = "IPv6:";

    /// <summary>Returns whether <paramref name="domain"/> is written as an address literal, valid or not.</summary>
    public static bool IsLiteral(string domain) => domain.StartsWith('[') && domain.EndsWith(']');

    /// <summary>Parses a bracketed address literal; the IPv6 form needs its "IPv6:" tag, as RFC 5321 section 4.1.3 requires.</summary>
    public static bool TryParse(string domain, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (!IsLiteral(domain))
        {
            return false;
        }

        var inner = domain[1..^1];
        if (inner.StartsWith(Ipv6Tag, StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(inner[Ipv6Tag.Length..], out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPAddress.TryParse accepts shorthand such as "1" or "1.2"; RFC 5321 requires four dotted decimal parts.
        return inner.Split('.').Length == 4
            && IPAddress.TryParse(inner, out address)
            && address.AddressFamily == AddressFamily.InterNetwork;
    }
}
