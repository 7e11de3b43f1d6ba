using System.Globalization;

namespace Tern.Smtp.Client;

/// <summary>
/// The service extensions a server offered in its EHLO reply (RFC 5321 section 4.1.1.1). After HELO, or
/// before any EHLO, none are offered.
/// </summary>
public sealed class SmtpCapabilities
{
    private readonly Dictionary<string, string> _keywords;

    private SmtpCapabilities(Dictionary<string, string> keywords)
    {
        _keywords = keywords;
        StartTls = Has("STARTTLS");
        Pipelining = Has("PIPELINING");
        EightBitMime = Has("8BITMIME");
        SmtpUtf8 = Has("SMTPUTF8");
        Chunking = Has("CHUNKING");
        EnhancedStatusCodes = Has("ENHANCEDSTATUSCODES");
        Dsn = Has("DSN");
        Size = ParseSize(keywords);
    }

    /// <summary>No extensions: the capabilities after HELO.</summary>
    public static SmtpCapabilities None { get; } = new([]);

    /// <summary>STARTTLS (RFC 3207).</summary>
    public bool StartTls { get; }

    /// <summary>PIPELINING (RFC 2920).</summary>
    public bool Pipelining { get; }

    /// <summary>
    /// SIZE (RFC 1870): null when not offered, 0 when offered without a fixed maximum, otherwise the maximum
    /// message size in octets.
    /// </summary>
    public long? Size { get; }

    /// <summary>8BITMIME (RFC 6152).</summary>
    public bool EightBitMime { get; }

    /// <summary>SMTPUTF8 (RFC 6531).</summary>
    public bool SmtpUtf8 { get; }

    /// <summary>CHUNKING (RFC 3030): the BDAT command.</summary>
    public bool Chunking { get; }

    /// <summary>ENHANCEDSTATUSCODES (RFC 2034): replies start with an RFC 3463 status code.</summary>
    public bool EnhancedStatusCodes { get; }

    /// <summary>DSN (RFC 3461): the RET, ENVID, NOTIFY and ORCPT parameters.</summary>
    public bool Dsn { get; }

    /// <summary>Every offered keyword in upper case, mapped to its parameters ("" when it has none).</summary>
    public IReadOnlyDictionary<string, string> Keywords => _keywords;

    /// <summary>
    /// Reads the capabilities from an EHLO reply: the first line is the server's name, and each further line
    /// is a keyword with optional parameters separated by a space (RFC 5321 section 4.1.1.1).
    /// </summary>
    internal static SmtpCapabilities FromEhloReply(SmtpReply reply)
    {
        var keywords = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in reply.Lines.Skip(1))
        {
            var trimmed = line.Trim();
            var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
            if (keyword.Length == 0)
            {
                continue;
            }

            // A repeated keyword keeps its first parameters, which is what most clients do.
            keywords.TryAdd(keyword, space < 0 ? string.Empty : trimmed[(space + 1)..].Trim());
        }

        return new SmtpCapabilities(keywords);
    }

    private bool Has(string keyword) => _keywords.ContainsKey(keyword);

    // RFC 1870 section 4: "SIZE" alone or "SIZE 0" means no fixed maximum. An unreadable value is treated
    // the same way, because refusing to send on a malformed limit would help no one.
    private static long? ParseSize(Dictionary<string, string> keywords)
    {
        if (!keywords.TryGetValue("SIZE", out var value))
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0;
    }
}
