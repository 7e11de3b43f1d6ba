using System.Text;

namespace Tern.IntegrationTests.Infrastructure;

/// <summary>Reads a delivered message and separates the trace header fields Tern added from what the client sent.</summary>
internal static class StoredMessage
{
    /// <summary>
    /// Returns the message without the leading Return-Path and Received fields (RFC 5321 section 4.4:
    /// the receiving MTA prepends one Received field, and final delivery adds Return-Path).
    /// </summary>
    public static string WithoutAddedTraceFields(string stored)
    {
        var text = stored;
        text = RemoveLeadingField(text, "Return-Path:");
        text = RemoveLeadingField(text, "Received:");
        return text;
    }

    public static string ReceivedField(string stored)
    {
        var withoutReturnPath = RemoveLeadingField(stored, "Return-Path:");
        var rest = RemoveLeadingField(withoutReturnPath, "Received:");
        return withoutReturnPath[..^rest.Length];
    }

    public static string Read(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path));

    private static string RemoveLeadingField(string text, string name)
    {
        if (!text.StartsWith(name, StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        // A field ends at the first CRLF not followed by white space (RFC 5322 section 2.2.3 folding).
        var index = 0;
        while (true)
        {
            var end = text.IndexOf("\r\n", index, StringComparison.Ordinal);
            if (end < 0)
            {
                return string.Empty;
            }

            index = end + 2;
            if (index >= text.Length || (text[index] != ' ' && text[index] != '\t'))
            {
                return text[index..];
            }
        }
    }
}
