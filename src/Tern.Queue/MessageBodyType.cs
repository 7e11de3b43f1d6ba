namespace Tern.Queue;

/// <summary>The BODY parameter of the MAIL command: the kind of content a relay must be able to carry.</summary>
public enum MessageBodyType
{
    /// <summary>Seven-bit lines, the default when MAIL has no BODY parameter (RFC 5321 section 2.4).</summary>
    SevenBit,

    /// <summary>BODY=8BITMIME (RFC 6152).</summary>
    EightBitMime,

    /// <summary>BODY=BINARYMIME (RFC 3030), received with BDAT.</summary>
    BinaryMime,
}
