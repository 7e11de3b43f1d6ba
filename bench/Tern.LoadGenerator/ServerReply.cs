namespace Tern.LoadGenerator;

/// <summary>One SMTP reply as the server sent it: the three-digit code and the text of each line.</summary>
internal sealed record ServerReply(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>True for a 2xx reply (RFC 5321 section 4.2.1: the requested action was completed).</summary>
    public bool IsPositiveCompletion => Code is >= 200 and < 300;

    /// <summary>True for 421: the server is closing the connection (RFC 5321 section 3.8).</summary>
    public bool IsServiceClosing => Code == 421;

    /// <summary>
    /// Returns true when the EHLO reply lists <paramref name="keyword"/> as an extension: the first word of
    /// a line after the first line, compared without regard to case (RFC 5321 section 2.4).
    /// </summary>
    public bool HasExtension(string keyword) => Lines.Skip(1).Any(line =>
    {
        var end = line.IndexOf(' ', StringComparison.Ordinal);
        var word = end < 0 ? line : line[..end];
        return word.Equals(keyword, StringComparison.OrdinalIgnoreCase);
    });

    /// <summary>The reply as one line for error messages, for example "550 5.1.1 User unknown".</summary>
    public override string ToString() => $"{Code} {string.Join(" / ", Lines)}".TrimEnd();
}
