using System.Globalization;
using System.Text;

namespace Tern.Delivery.Bounces;

/// <summary>Decodes the xtext encoding of the ORCPT and ENVID parameters (RFC 3461 section 4).</summary>
internal static class XText
{
    /// <summary>Replaces each "+XX" with the octet of hex value XX; text that is not valid xtext is returned unchanged.</summary>
    public static string Decode(string text)
    {
        if (!text.Contains('+', StringComparison.Ordinal))
        {
            return text;
        }

        var octets = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '+')
            {
                octets.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                continue;
            }

            if (i + 2 >= text.Length
                || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var octet))
            {
                return text;
            }

            octets.Add(octet);
            i += 2;
        }

        return Encoding.UTF8.GetString(octets.ToArray());
    }
}
