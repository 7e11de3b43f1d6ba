namespace Tern.Smtp.Server;

/// <summary>The MAIL BODY parameter (RFC 6152).</summary>
public enum SmtpBodyType
{
    /// <summary>The client sent no BODY parameter, which RFC 6152 treats as 7BIT.</summary>
    Unspecified,

    /// <summary>BODY=7BIT.</summary>
    SevenBit,

    /// <summary>BODY=8BITMIME.</summary>
    EightBitMime,
}
