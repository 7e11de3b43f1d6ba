using System.Buffers.Text;
using System.Text;

namespace Tern.Smtp.Protocol;

/// <summary>Decodes the client responses of SMTP AUTH (RFC 4954) and the PLAIN message (RFC 4616).</summary>
internal static class SaslDecoder
{
    // RFC 4616 section 2: authcid and passwd are at most 255 octets each, and so is authzid.
    private const int MaxPlainFieldOctets = 255;

    /// <summary>
    /// Decodes one base64 response. RFC 4954 section 4: a lone "=" is an empty response. Whitespace,
    /// which .NET's decoder would skip, is invalid inside a response line.
    /// </summary>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> text, out byte[] decoded)
    {
        decoded = [];
        if (text.SequenceEqual("="u8))
        {
            return true;
        }

        if (text.IsEmpty || text.IndexOfAny(" \t\r\n"u8) >= 0 || !Base64.IsValid(text, out var length))
        {
            return false;
        }

        decoded = new byte[length];
        return Base64.DecodeFromUtf8(text, decoded, out _, out var written) == System.Buffers.OperationStatus.Done && written == length;
    }

    /// <summary>
    /// Splits a PLAIN message, [authzid] NUL authcid NUL passwd (RFC 4616 section 2), into UTF-8
    /// strings. Returns false for a message of another shape, an empty user name or password, a field
    /// over 255 octets or invalid UTF-8.
    /// </summary>
    public static bool TryParsePlain(ReadOnlySpan<byte> message, out string authorizationId, out string userName, out string password)
    {
        authorizationId = userName = password = string.Empty;
        var first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return false;
        }

        var rest = message[(first + 1)..];
        var second = rest.IndexOf((byte)0);
        if (second < 0)
        {
            return false;
        }

        var authzid = message[..first];
        var authcid = rest[..second];
        var passwd = rest[(second + 1)..];
        if (passwd.Contains((byte)0) || authcid.IsEmpty || passwd.IsEmpty
            || authzid.Length > MaxPlainFieldOctets || authcid.Length > MaxPlainFieldOctets || passwd.Length > MaxPlainFieldOctets)
        {
            return false;
        }

        return TryDecodeUtf8(authzid, out authorizationId)
            && TryDecodeUtf8(authcid, out userName)
            && TryDecodeUtf8(passwd, out password);
    }

    /// <summary>Decodes a LOGIN user name or password: non-empty UTF-8 without NUL.</summary>
    public static bool TryDecodeText(ReadOnlySpan<byte> bytes, out string text)
    {
        text = string.Empty;
        return !bytes.IsEmpty && bytes.Length <= MaxPlainFieldOctets && !bytes.Contains((byte)0) && TryDecodeUtf8(bytes, out text);
    }

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            text = string.Empty;
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
