using System.Globalization;
using System.Text;

namespace Tern.LoadGenerator;

/// <summary>
/// The message of a load run as DATA bytes of exactly the requested size, followed by the terminating
/// "." line. It is an RFC 5322 message with Date, From, To, Subject and Message-ID header fields and a
/// plain-text body of 76-character lines. The body is built once and shared by every connection. Only
/// the Subject and Message-ID change from one message to the next, and they keep a fixed width, so every
/// message has the same size.
/// </summary>
internal sealed class TestMessage
{
    public const int PaddingLineLength = 76;

    private const string Terminator = ".\r\n";

    private readonly byte[] _body;
    private readonly string _runId;
    private readonly string _dateHeader;
    private readonly string _sender;
    private readonly string _recipient;

    /// <summary>
    /// Builds the body for <paramref name="messageSize"/> octets, or raises
    /// <see cref="ArgumentOutOfRangeException"/> when the header alone nearly fills that size.
    /// </summary>
    public TestMessage(string sender, string recipient, int messageSize, string runId, DateTimeOffset date)
    {
        _sender = sender;
        _recipient = recipient;
        _runId = runId;

        // RFC 5322 section 3.3 date-time, always in UTC.
        _dateHeader = date.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

        var headerLength = BuildHeader(0, 0).Length;
        var bodyLength = messageSize - headerLength;

        // LoadOptions.MinMessageSize leaves room for a body of several lines after the longest header.
        if (bodyLength < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(messageSize), messageSize, $"the header alone is {headerLength} octets long");
        }

        // The blank line that ends the header section starts the shared part.
        _body = Encoding.ASCII.GetBytes("\r\n" + BuildBody(bodyLength - 2) + Terminator);
        Size = messageSize;
    }

    /// <summary>The message size in octets without the terminating "." line.</summary>
    public int Size { get; }

    /// <summary>
    /// The part after the header fields: the blank line, the padding lines and the "." line. No line starts
    /// with ".", so no dot-stuffing (RFC 5321 section 4.5.2) is needed.
    /// </summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <summary>Returns the header fields of message <paramref name="messageNumber"/> on connection <paramref name="connectionNumber"/>.</summary>
    public byte[] CreateHeader(int connectionNumber, int messageNumber) =>
        Encoding.ASCII.GetBytes(BuildHeader(connectionNumber, messageNumber));

    private string BuildHeader(int connectionNumber, int messageNumber)
    {
        // Fixed-width numbers keep the header length constant: LoadOptions caps connections at 1,000
        // and messages per connection at 100,000.
        var number = string.Create(CultureInfo.InvariantCulture, $"{connectionNumber:D4}.{messageNumber:D6}");
        var header = new StringBuilder();
        header.Append("Date: ").Append(_dateHeader).Append("\r\n");
        header.Append("From: <").Append(_sender).Append(">\r\n");
        header.Append("To: <").Append(_recipient).Append(">\r\n");
        header.Append("Subject: Tern load generator message ").Append(number).Append("\r\n");
        header.Append("Message-ID: <").Append(_runId).Append('.').Append(number).Append("@loadgen.invalid>\r\n");
        header.Append("MIME-Version: 1.0\r\n");
        header.Append("Content-Type: text/plain; charset=us-ascii\r\n");
        return header.ToString();
    }

    /// <summary>
    /// Builds lines of <see cref="PaddingLineLength"/> characters plus CRLF until exactly
    /// <paramref name="length"/> octets are filled. The last line or two are shorter.
    /// </summary>
    internal static string BuildBody(int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var body = new StringBuilder(length);
        var remaining = length;
        var lineNumber = 0;
        while (remaining > 0)
        {
            // A full line takes 78 octets. Left with 79, a full line would leave 1 octet, which cannot
            // hold a CRLF, so that line gets 75 characters and an empty line follows.
            int lineLength;
            if (remaining >= PaddingLineLength + 4 || remaining == PaddingLineLength + 2)
            {
                lineLength = PaddingLineLength;
            }
            else if (remaining == PaddingLineLength + 3)
            {
                lineLength = PaddingLineLength - 1;
            }
            else
            {
                lineLength = remaining - 2;
            }

            lineNumber++;
            var line = string.Create(CultureInfo.InvariantCulture, $"Padding line {lineNumber:D6} ");
            while (line.Length < lineLength)
            {
                line += Alphabet;
            }

            body.Append(line.AsSpan(0, lineLength)).Append("\r\n");
            remaining -= lineLength + 2;
        }

        return body.ToString();
    }
}
