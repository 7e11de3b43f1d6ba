using System.Text;
using Tern.Smtp.Client;

namespace Tern.Smtp.Tests.Client;

/// <summary>Parsing of server replies (RFC 5321 section 4.2, RFC 2034).</summary>
public sealed class ReplyReaderTests
{
    [Fact]
    public async Task Read_MultiLineWithEnhancedCodes_StripsCodeFromEachLine()
    {
        var reply = await ReadAsync("550-5.1.1 The mailbox\r\n550-5.1.1 does not\r\n550 5.1.1 exist\r\n", enhanced: true);

        Assert.Equal(550, reply.Code);
        Assert.Equal("5.1.1", reply.EnhancedStatusCode);
        Assert.Equal(["The mailbox", "does not", "exist"], reply.Lines);
    }

    [Fact]
    public async Task Read_EnhancedCodesNotOffered_KeptInText()
    {
        var reply = await ReadAsync("250 2.1.0 Ok\r\n", enhanced: false);

        Assert.Null(reply.EnhancedStatusCode);
        Assert.Equal(["2.1.0 Ok"], reply.Lines);
    }

    [Theory]
    [InlineData("550 4.1.1 class differs\r\n", "4.1.1 class differs")]
    [InlineData("250 2.1 too short\r\n", "2.1 too short")]
    [InlineData("250 2.1.1000 detail too long\r\n", "2.1.1000 detail too long")]
    [InlineData("250 2.1.0x\r\n", "2.1.0x")]
    [InlineData("354 3.0.0 go ahead\r\n", "3.0.0 go ahead")]
    public async Task Read_NotAnEnhancedCode_KeptInText(string wire, string text)
    {
        var reply = await ReadAsync(wire, enhanced: true);

        Assert.Null(reply.EnhancedStatusCode);
        Assert.Equal([text], reply.Lines);
    }

    [Fact]
    public async Task Read_CodeOnly_EmptyText()
    {
        var reply = await ReadAsync("250\r\n", enhanced: true);

        Assert.Equal(250, reply.Code);
        Assert.Equal([string.Empty], reply.Lines);
    }

    [Fact]
    public async Task Read_BareLineFeed_Accepted()
    {
        var reply = await ReadAsync("250-first\n250 second\n", enhanced: false);

        Assert.Equal(["first", "second"], reply.Lines);
    }

    [Fact]
    public async Task Read_Utf8Text_Decoded()
    {
        var reply = await ReadAsync("550 5.1.1 Benutzer j\u00f6rg unbekannt\r\n", enhanced: true);

        Assert.Equal(["Benutzer j\u00f6rg unbekannt"], reply.Lines);
    }

    [Fact]
    public async Task Read_LineOver512Octets_TextCut()
    {
        var text = new string('a', 2000);

        var reply = await ReadAsync("550 5.0.0 " + text + "\r\n", enhanced: true);

        Assert.Equal(550, reply.Code);
        Assert.True(reply.ToString().Length <= 512);
        Assert.StartsWith("aaaa", reply.Lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250 bare\rCR\r\n")]
    [InlineData("250-a\r\n251 b\r\n")]
    [InlineData("25\r\n")]
    [InlineData("650 six\r\n")]
    [InlineData("250\tTab\r\n")]
    public async Task Read_Malformed_ProtocolError(string wire)
    {
        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => ReadAsync(wire, enhanced: false));

        Assert.Equal(SmtpClientStage.Mail, exception.Stage);
        Assert.Null(exception.Reply);
    }

    [Fact]
    public async Task Read_LineOverLimit_ProtocolError()
    {
        var wire = "250 " + new string('a', SmtpReplyReader.MaxLineOctets) + "\r\n";

        await Assert.ThrowsAsync<SmtpClientException>(() => ReadAsync(wire, enhanced: false));
    }

    [Fact]
    public async Task Read_TooManyLines_ProtocolError()
    {
        var wire = string.Concat(Enumerable.Repeat("250-x\r\n", SmtpReplyReader.MaxLines)) + "250 x\r\n";

        await Assert.ThrowsAsync<SmtpClientException>(() => ReadAsync(wire, enhanced: false));
    }

    [Fact]
    public async Task Read_EndOfStreamMidReply_EndOfStreamException()
    {
        await Assert.ThrowsAsync<EndOfStreamException>(() => ReadAsync("250-first\r\n250 sec", enhanced: false));
    }

    [Fact]
    public async Task Read_TwoReplies_SecondStaysBuffered()
    {
        using var reader = new SmtpReplyReader(new MemoryStream(Encoding.UTF8.GetBytes("220 Ready\r\n250 extra\r\n")));

        var first = await reader.ReadAsync(SmtpClientStage.StartTls, CancellationToken.None);

        Assert.Equal(220, first.Code);
        Assert.Equal(11, reader.BufferedCount);
        Assert.Equal(250, (await reader.ReadAsync(SmtpClientStage.StartTls, CancellationToken.None)).Code);
        Assert.Equal(0, reader.BufferedCount);
    }

    [Fact]
    public async Task Read_OneOctetPerRead_Assembled()
    {
        using var reader = new SmtpReplyReader(new OneOctetStream(Encoding.UTF8.GetBytes("250-a\r\n250 2.0.0 b\r\n")));

        var reply = await reader.ReadAsync(SmtpClientStage.Mail, CancellationToken.None);

        Assert.Equal(["a", "2.0.0 b"], reply.Lines);
    }

    private static async Task<SmtpReply> ReadAsync(string wire, bool enhanced)
    {
        using var reader = new SmtpReplyReader(new MemoryStream(Encoding.UTF8.GetBytes(wire))) { ParseEnhancedStatusCodes = enhanced };
        return await reader.ReadAsync(SmtpClientStage.Mail, CancellationToken.None);
    }

    /// <summary>A read-only stream that returns one octet per read, as a slow connection may.</summary>
    private sealed class OneOctetStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
