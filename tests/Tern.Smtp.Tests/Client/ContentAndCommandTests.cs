using System.Text;
using Tern.Smtp.Client;

namespace Tern.Smtp.Tests.Client;

/// <summary>Dot-stuffing of DATA content, EHLO keyword parsing and xtext.</summary>
public sealed class ContentAndCommandTests
{
    [Theory]
    [InlineData("", ".\r\n")]
    [InlineData("a\r\n", "a\r\n.\r\n")]
    [InlineData("a", "a\r\n.\r\n")]
    [InlineData(".a\r\n", "..a\r\n.\r\n")]
    [InlineData("a\r\n.\r\n", "a\r\n..\r\n.\r\n")]
    [InlineData("a\r\n..b\r\n", "a\r\n...b\r\n.\r\n")]
    [InlineData("a.b\r\n", "a.b\r\n.\r\n")]
    [InlineData("a\n.\r\n", "a\n..\r\n.\r\n")]
    [InlineData("a\n", "a\n\r\n.\r\n")]
    [InlineData("a\r", "a\r\r\n.\r\n")]
    public void Encode_Content_StuffedAndTerminated(string content, string expected)
    {
        Assert.Equal(expected, Encode(content, blockSize: 64));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Encode_SplitAcrossBlocks_SameOutput(int blockSize)
    {
        const string Content = "x\r\n.one\r\n..\r\nend\r\n";

        Assert.Equal("x\r\n..one\r\n...\r\nend\r\n.\r\n", Encode(Content, blockSize));
    }

    [Fact]
    public void Capabilities_EhloReply_KeywordsParsed()
    {
        var reply = new SmtpReply(250, null, ["mx.example.net greets you", "pipelining", "SIZE 35882577", "8BITMIME", "AUTH PLAIN LOGIN", "STARTTLS", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING", "DSN"]);

        var capabilities = SmtpCapabilities.FromEhloReply(reply);

        Assert.True(capabilities.Pipelining);
        Assert.Equal(35882577, capabilities.Size);
        Assert.True(capabilities.EightBitMime);
        Assert.True(capabilities.StartTls);
        Assert.True(capabilities.EnhancedStatusCodes);
        Assert.True(capabilities.SmtpUtf8);
        Assert.True(capabilities.Chunking);
        Assert.True(capabilities.Dsn);
        Assert.Equal("PLAIN LOGIN", capabilities.Keywords["AUTH"]);
        Assert.False(capabilities.Keywords.ContainsKey("MX.EXAMPLE.NET"));
    }

    [Theory]
    [InlineData("SIZE", 0L)]
    [InlineData("SIZE 0", 0L)]
    [InlineData("SIZE unlimited", 0L)]
    [InlineData("SIZE 1000", 1000L)]
    [InlineData("PIPELINING", null)]
    public void Capabilities_SizeForms_Parsed(string line, long? expected)
    {
        var capabilities = SmtpCapabilities.FromEhloReply(new SmtpReply(250, null, ["mx.example.net", line]));

        Assert.Equal(expected, capabilities.Size);
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a+b=c", "a+2Bb+3Dc")]
    [InlineData("a b", "a+20b")]
    [InlineData("\u00e9", "+C3+A9")]
    public void Xtext_Encoded(string text, string expected)
    {
        Assert.Equal(expected, SmtpClientCommands.EncodeXtext(text));
    }

    [Fact]
    public void Mail_OnlyOfferedParameters_Sent()
    {
        var envelope = new SmtpClientEnvelope("a@example.org", [new SmtpClientRecipient("b@example.net")])
        {
            EightBitMime = true,
            DsnReturn = "FULL",
            DsnEnvelopeId = "q1",
        };
        var none = SmtpCapabilities.None;
        var all = SmtpCapabilities.FromEhloReply(new SmtpReply(250, null, ["mx", "SIZE", "8BITMIME", "DSN", "SMTPUTF8"]));

        Assert.Equal("MAIL FROM:<a@example.org>", SmtpClientCommands.BuildMail(new Mailbox("a", "example.org"), envelope, none, 10, smtpUtf8: false));
        Assert.Equal(
            "MAIL FROM:<a@example.org> SIZE=10 BODY=8BITMIME SMTPUTF8 RET=FULL ENVID=q1",
            SmtpClientCommands.BuildMail(new Mailbox("a", "example.org"), envelope, all, 10, smtpUtf8: true));
    }

    [Fact]
    public void Rcpt_QuotedLocalPart_Quoted()
    {
        Assert.True(SmtpClientCommands.TryParseAddress("\"john doe\"@example.net", isSender: false, out var mailbox));

        Assert.Equal("RCPT TO:<\"john doe\"@example.net>", SmtpClientCommands.BuildRcpt(mailbox!, new SmtpClientRecipient("x"), SmtpCapabilities.None));
    }

    [Theory]
    [InlineData("", true, true)]
    [InlineData("", false, false)]
    [InlineData("Postmaster", false, true)]
    [InlineData("Postmaster", true, false)]
    [InlineData("a@b>\r\nDATA", false, false)]
    public void Address_Forms_Validated(string address, bool isSender, bool valid)
    {
        Assert.Equal(valid, SmtpClientCommands.TryParseAddress(address, isSender, out _));
    }

    private static string Encode(string content, int blockSize)
    {
        var encoder = new DataContentEncoder();
        var input = Encoding.UTF8.GetBytes(content);
        var output = new List<byte>();
        var buffer = new byte[DataContentEncoder.GetMaxOutputLength(blockSize)];
        for (var offset = 0; offset < input.Length; offset += blockSize)
        {
            var written = encoder.Encode(input.AsSpan(offset, Math.Min(blockSize, input.Length - offset)), buffer);
            output.AddRange(buffer.AsSpan(0, written).ToArray());
        }

        var trailer = encoder.Complete(buffer);
        output.AddRange(buffer.AsSpan(0, trailer).ToArray());
        return Encoding.UTF8.GetString([.. output]);
    }
}
