using Tern.Smtp.Protocol;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests;

/// <summary>MAIL and RCPT arguments: paths and ESMTP parameters.</summary>
public sealed class ArgumentParserTests
{
    private const long MaxSize = 1000;

    [Fact]
    public void Mail_AllParameters_Kept()
    {
        var rejection = SmtpArgumentParser.ParseMail("FROM:<a@example.org> SIZE=500 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ+2B314159", extendedHello: true, MaxSize, out var envelope);

        Assert.Null(rejection);
        Assert.NotNull(envelope);
        Assert.Equal("a@example.org", envelope.ReversePath?.Address);
        Assert.Equal(500, envelope.DeclaredSize);
        Assert.Equal(SmtpBodyType.EightBitMime, envelope.BodyType);
        Assert.True(envelope.SmtpUtf8);
        Assert.Equal(DsnReturn.Headers, envelope.Return);
        Assert.Equal("QQ+314159", envelope.EnvelopeId);
        Assert.Empty(envelope.Recipients);
    }

    [Theory]
    [InlineData("FROM:<a@example.org>")]
    [InlineData("from:<a@example.org>")]
    [InlineData("FROM: <a@example.org>")]
    [InlineData("FROM:<a@example.org> ")]
    [InlineData("FROM:<a@example.org>  BODY=7bit")]
    [InlineData("FROM:<>")]
    [InlineData("FROM:<> RET=full")]
    public void Mail_ValidForms_Accepted(string argument)
    {
        Assert.Null(SmtpArgumentParser.ParseMail(argument, extendedHello: true, MaxSize, out var envelope));
        Assert.NotNull(envelope);
    }

    [Theory]
    [InlineData("FROM:a@example.org", "501 5.1.7")]
    [InlineData("FROM:<just\"not\"right@example.net>", "501 5.1.7")]
    [InlineData("FROM:<Postmaster>", "501 5.1.7")]
    [InlineData("TO:<a@example.org>", "501 5.5.4")]
    [InlineData("", "501 5.5.4")]
    [InlineData("FROM:<a@example.org>BODY=7BIT", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> SIZE=abc", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> SIZE", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> SIZE=1 SIZE=2", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> BODY=BINARYMIME", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> BODY=", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> SMTPUTF8=yes", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> RET=ALL", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> ENVID=a=b", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> ENVID=+4", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> ENVID=+0A", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> ENVID=+2b", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> -BAD=1", "501 5.5.4")]
    [InlineData("FROM:<a@example.org> XFOO=1", "555 5.5.4")]
    [InlineData("FROM:<a@example.org> AUTH=<>", "555 5.5.4")]
    [InlineData("FROM:<a@example.org> NOTIFY=NEVER", "555 5.5.4")]
    [InlineData("FROM:<a@example.org> SIZE=1001", "552 5.3.4")]
    [InlineData("FROM:<a@example.org> SIZE=99999999999999999999", "552 5.3.4")]
    [InlineData("FROM:<a@example.org> SIZE=999999999999999999999", "501 5.5.4")]
    [InlineData("FROM:<用户@example.org>", "553 5.6.7")]
    [InlineData("FROM:<a@example.org> ENVID=ü", "553 5.6.7")]
    public void Mail_Invalid_Rejected(string argument, string expected)
    {
        var rejection = SmtpArgumentParser.ParseMail(argument, extendedHello: true, MaxSize, out var envelope);

        Assert.NotNull(rejection);
        Assert.StartsWith(expected + " ", rejection.ToString(), StringComparison.Ordinal);
        Assert.Null(envelope);
    }

    [Fact]
    public void Mail_Utf8WithSmtpUtf8_Accepted()
    {
        Assert.Null(SmtpArgumentParser.ParseMail("FROM:<用户@例子.广告> SMTPUTF8", extendedHello: true, MaxSize, out var envelope));

        Assert.Equal("用户@例子.广告", envelope?.ReversePath?.Address);
    }

    [Fact]
    public void Rcpt_DsnParameters_Kept()
    {
        var rejection = SmtpArgumentParser.ParseRcpt("TO:<b@example.net> NOTIFY=SUCCESS,delay ORCPT=rfc822;b+2Bx@example.net", extendedHello: true, smtpUtf8: false, out var recipient);

        Assert.Null(rejection);
        Assert.NotNull(recipient);
        Assert.Equal("b@example.net", recipient.Mailbox.Address);
        Assert.Equal(DsnNotify.Success | DsnNotify.Delay, recipient.Notify);
        Assert.Equal("rfc822;b+x@example.net", recipient.OriginalRecipient);
    }

    [Fact]
    public void Rcpt_NotifyNever_Kept()
    {
        Assert.Null(SmtpArgumentParser.ParseRcpt("TO:<b@example.net> NOTIFY=NEVER", extendedHello: true, smtpUtf8: false, out var recipient));

        Assert.Equal(DsnNotify.Never, recipient?.Notify);
    }

    [Theory]
    [InlineData("TO:<b@example.net> NOTIFY=NEVER,SUCCESS", "501 5.5.4")]
    [InlineData("TO:<b@example.net> NOTIFY=SUCCESS,SUCCESS", "501 5.5.4")]
    [InlineData("TO:<b@example.net> NOTIFY=SOMETIMES", "501 5.5.4")]
    [InlineData("TO:<b@example.net> ORCPT=b@example.net", "501 5.5.4")]
    [InlineData("TO:<b@example.net> ORCPT=rfc822;", "501 5.5.4")]
    [InlineData("TO:<b@example.net> ORCPT=rfc.822;b@example.net", "501 5.5.4")]
    [InlineData("TO:<b@example.net> SIZE=10", "555 5.5.4")]
    [InlineData("TO:<b@example.net> BODY=8BITMIME", "555 5.5.4")]
    [InlineData("TO:<>", "501 5.1.3")]
    [InlineData("TO:<b@example>.net", "501 5.5.4")]
    [InlineData("TO:b@example.net", "501 5.1.3")]
    [InlineData("FROM:<b@example.net>", "501 5.5.4")]
    [InlineData("TO:<用户@example.net>", "553 5.6.7")]
    public void Rcpt_Invalid_Rejected(string argument, string expected)
    {
        var rejection = SmtpArgumentParser.ParseRcpt(argument, extendedHello: true, smtpUtf8: false, out var recipient);

        Assert.NotNull(rejection);
        Assert.StartsWith(expected + " ", rejection.ToString(), StringComparison.Ordinal);
        Assert.Null(recipient);
    }

    [Fact]
    public void Rcpt_Utf8InSmtpUtf8Transaction_Accepted()
    {
        Assert.Null(SmtpArgumentParser.ParseRcpt("TO:<用户@例子.广告>", extendedHello: true, smtpUtf8: true, out var recipient));

        Assert.Equal("用户@例子.广告", recipient?.Mailbox.Address);
    }

    [Fact]
    public void Rcpt_Postmaster_Accepted()
    {
        Assert.Null(SmtpArgumentParser.ParseRcpt("TO:<Postmaster>", extendedHello: true, smtpUtf8: false, out var recipient));

        Assert.True(recipient?.Mailbox.IsPostmaster);
    }
}
