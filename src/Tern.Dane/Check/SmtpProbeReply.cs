namespace Tern.Dane.Check;

/// <summary>One SMTP reply as a client reads it: the code and the text of every line (RFC 5321 section 4.2).</summary>
internal sealed record SmtpProbeReply(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>The reply as the server sent it, lines joined by " / ", for messages.</summary>
    public override string ToString() => string.Join(" / ", Lines);
}
