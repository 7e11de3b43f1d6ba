using System.Text;
using System.Text.RegularExpressions;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// A Postfix <c>maillog_file</c>, read while Postfix writes it. Lines look like
/// <c>Dec 04 22:04:42 host postfix/smtp[3673]: 24B07512205: to=&lt;a@b&gt;, relay=..., status=sent (...)</c>.
/// </summary>
public sealed partial class PostfixLog(string path)
{
    public string Path { get; } = path;

    /// <summary>
    /// Waits until the message with this Message-ID has a final result (<c>sent</c>, <c>bounced</c> or
    /// <c>expired</c>) and returns its lines; throws <see cref="TimeoutException"/> with what was logged.
    /// </summary>
    public async Task<PostfixMessage> WaitForFinalResultAsync(string messageId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = ReadLines();
            var message = Find(lines, messageId);
            if (message?.FinalStatus is not null)
            {
                return message;
            }

            if (DateTime.UtcNow > deadline)
            {
                var logged = message is null ? "no line with that Message-ID" : string.Join("\n", message.Lines);
                throw new TimeoutException($"{Path}: no final result for Message-ID <{messageId}> within {timeout.TotalSeconds} s; logged:\n{logged}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Returns how many <c>status=sent</c> lines each Message-ID has.</summary>
    public Dictionary<string, int> SentCountsByMessageId()
    {
        var messageIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var sent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in ReadLines())
        {
            var match = MessageIdLine().Match(line);
            if (match.Success)
            {
                messageIds[match.Groups["queue"].Value] = match.Groups["id"].Value;
                continue;
            }

            match = StatusLine().Match(line);
            if (match.Success && match.Groups["status"].Value == "sent" && messageIds.TryGetValue(match.Groups["queue"].Value, out var id))
            {
                sent[id] = sent.GetValueOrDefault(id) + 1;
            }
        }

        return sent;
    }

    /// <summary>Reads the whole file with sharing, since postlogd keeps it open for writing.</summary>
    public string[] ReadLines()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    // A Message-ID appears more than once when a message was received twice, and then the newest
    // copy counts.
    private static PostfixMessage? Find(string[] lines, string messageId)
    {
        var marker = $": message-id=<{messageId}>";
        var start = Array.FindLastIndex(lines, line => line.EndsWith(marker, StringComparison.Ordinal));
        if (start < 0)
        {
            return null;
        }

        var queueId = MessageIdLine().Match(lines[start]).Groups["queue"].Value;
        var prefix = $": {queueId}: ";
        var first = Array.FindLastIndex(lines, start, line => line.Contains(prefix + "client=", StringComparison.Ordinal) || line.Contains(prefix + "uid=", StringComparison.Ordinal));
        first = first < 0 ? start : first;

        var own = new List<string>();
        string? finalStatus = null;
        string? statusLine = null;
        var statusIndex = -1;
        for (var i = first; i < lines.Length; i++)
        {
            if (!lines[i].Contains(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            own.Add(lines[i]);
            var status = StatusLine().Match(lines[i]);
            if (status.Success && status.Groups["status"].Value is "sent" or "bounced" or "expired")
            {
                finalStatus = status.Groups["status"].Value;
                statusLine = lines[i];
                statusIndex = i;
                break;
            }

            if (lines[i].EndsWith(": removed", StringComparison.Ordinal))
            {
                break;
            }
        }

        return new PostfixMessage(
            queueId,
            own,
            finalStatus,
            statusLine,
            ReceivedTls: TlsLineOfProcess(lines, first, lines[first]),
            SentTls: statusIndex < 0 ? null : TlsLineOfProcess(lines, statusIndex, lines[statusIndex]));
    }

    // The TLS line that the same process (smtpd or smtp, by name and pid) logged last before index.
    private static string? TlsLineOfProcess(string[] lines, int index, string line)
    {
        var process = ProcessTag().Match(line);
        if (!process.Success)
        {
            return null;
        }

        var tag = process.Groups["process"].Value + ": ";
        for (var i = index; i >= 0; i--)
        {
            if (lines[i].Contains(tag, StringComparison.Ordinal) && lines[i].Contains("TLS connection established", StringComparison.Ordinal))
            {
                return lines[i];
            }
        }

        return null;
    }

    [GeneratedRegex(@": (?<queue>[0-9A-F]+): message-id=<(?<id>[^>]*)>$")]
    private static partial Regex MessageIdLine();

    [GeneratedRegex(@": (?<queue>[0-9A-F]+): to=<[^>]*>.*, status=(?<status>[a-z]+) ")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^\S+ +\S+ \S+ \S+ (?<process>\S+\[\d+\]):")]
    private static partial Regex ProcessTag();
}
