namespace Tern.Smtp.Tests;

/// <summary>Reply formatting and validation.</summary>
public sealed class SmtpReplyTests
{
    [Fact]
    public void SingleLine_Formatted()
    {
        var reply = new SmtpReply(250, "2.1.0", "Ok");

        Assert.Equal("250 2.1.0 Ok\r\n", reply.ToString());
        Assert.True(reply.IsPositive);
    }

    [Fact]
    public void MultiLine_EnhancedCodeOnEachLine()
    {
        var reply = new SmtpReply(550, "5.7.1", ["Relay access denied", "See the policy"]);

        Assert.Equal("550-5.7.1 Relay access denied\r\n550 5.7.1 See the policy\r\n", reply.ToString());
        Assert.True(reply.IsPermanentFailure);
    }

    [Fact]
    public void NoEnhancedCode_TextOnly()
    {
        var reply = new SmtpReply(250, null, ["mx.example.net", "PIPELINING"]);

        Assert.Equal("250-mx.example.net\r\n250 PIPELINING\r\n", reply.ToString());
    }

    [Fact]
    public void EmptyText_NoTrailingSpace()
    {
        Assert.Equal("250 2.0.0\r\n", new SmtpReply(250, "2.0.0", string.Empty).ToString());
    }

    [Theory]
    [InlineData(199, "2.0.0")]
    [InlineData(600, "5.0.0")]
    [InlineData(250, "5.0.0")]
    [InlineData(451, "5.3.0")]
    [InlineData(550, "5.1")]
    [InlineData(550, "5.1.1.1")]
    [InlineData(550, "5.1000.1")]
    [InlineData(550, "5.a.1")]
    [InlineData(354, "3.0.0")]
    public void InvalidCodes_Throw(int code, string enhancedStatusCode)
    {
        Assert.ThrowsAny<ArgumentException>(() => new SmtpReply(code, enhancedStatusCode, "text"));
    }

    [Theory]
    [InlineData("line\r\nQUIT")]
    [InlineData("line\nmore")]
    public void LineBreakInText_Throws(string text)
    {
        Assert.Throws<ArgumentException>(() => new SmtpReply(250, "2.0.0", text));
    }

    [Fact]
    public void LineOver512Octets_Throws()
    {
        // "550 5.7.1 " is 10 octets and CRLF 2, so 500 text octets make 512.
        Assert.Equal(512, new SmtpReply(550, "5.7.1", new string('x', 500)).ToString().Length);
        Assert.Throws<ArgumentException>(() => new SmtpReply(550, "5.7.1", new string('x', 501)));
    }

    [Fact]
    public void TransientFailure_Classified()
    {
        var reply = new SmtpReply(451, "4.3.0", "try later");

        Assert.True(reply.IsTransientFailure);
        Assert.False(reply.IsPositive);
        Assert.False(reply.IsPermanentFailure);
    }
}
