using Tern.Smtp.Protocol;

namespace Tern.Smtp.Tests;

/// <summary>The RFC 5321 section 4.1.2 path grammar with the RFC 6531 UTF-8 additions.</summary>
public sealed class PathParserTests
{
    [Theory]
    [InlineData("<user@example.net>", "user", "example.net")]
    [InlineData("<first.last+tag@sub.example.net>", "first.last+tag", "sub.example.net")]
    [InlineData("<!#$%&'*+-/=?^_`{|}~@example.net>", "!#$%&'*+-/=?^_`{|}~", "example.net")]
    [InlineData("<\" \"@example.net>", " ", "example.net")]
    [InlineData("<\"john.doe\"@example.net>", "john.doe", "example.net")]
    [InlineData("<\"a\\\"b\\\\c\"@example.net>", "a\"b\\c", "example.net")]
    [InlineData("<\"a>b\"@example.net>", "a>b", "example.net")]
    [InlineData("<user@[192.0.2.1]>", "user", "[192.0.2.1]")]
    [InlineData("<user@[IPv6:2001:db8::1]>", "user", "[IPv6:2001:db8::1]")]
    [InlineData("<user@[ipv6:::ffff:192.0.2.1]>", "user", "[ipv6:::ffff:192.0.2.1]")]
    [InlineData("<@a.example,@b.example:user@c.example>", "user", "c.example")]
    [InlineData("<@a.example:user@c.example>", "user", "c.example")]
    [InlineData("<user@localhost>", "user", "localhost")]
    [InlineData("<user@xn--bcher-kva.example>", "user", "xn--bcher-kva.example")]
    [InlineData("<用户@例子.广告>", "用户", "例子.广告")]
    public void ForwardPath_Valid_Parsed(string path, string localPart, string domain)
    {
        Assert.True(SmtpPathParser.TryParsePath(path, SmtpPathKind.Forward, out var mailbox, out var length));

        Assert.NotNull(mailbox);
        Assert.Equal(localPart, mailbox.LocalPart);
        Assert.Equal(domain, mailbox.Domain);
        Assert.Equal(path.Length, length);
    }

    [Theory]
    [InlineData("<just\"not\"right@example.net>")]
    [InlineData("<user@example.net")]
    [InlineData("user@example.net")]
    [InlineData("<user>")]
    [InlineData("<@example.net>")]
    [InlineData("<user@>")]
    [InlineData("<.user@example.net>")]
    [InlineData("<user.@example.net>")]
    [InlineData("<us..er@example.net>")]
    [InlineData("<user@example..net>")]
    [InlineData("<user@example.net.>")]
    [InlineData("<user@-example.net>")]
    [InlineData("<user@example-.net>")]
    [InlineData("<user@exa_mple.net>")]
    [InlineData("<user name@example.net>")]
    [InlineData("<\"\"@example.net>")]
    [InlineData("<\"unterminated@example.net>")]
    [InlineData("<\"tab\there\"@example.net>")]
    [InlineData("<user@[192.0.2.256]>")]
    [InlineData("<user@[192.0.2]>")]
    [InlineData("<user@[1.2.3.4.5]>")]
    [InlineData("<user@[IPv6:2001:db8::1%eth0]>")]
    [InlineData("<user@[IPv6:192.0.2.1]>")]
    [InlineData("<user@[x-tag:stuff]>")]
    [InlineData("<@a.example user@c.example>")]
    [InlineData("<@a.example,b.example:user@c.example>")]
    [InlineData("<>")]
    [InlineData("<Postmaster@>")]
    public void ForwardPath_Invalid_Rejected(string path)
    {
        Assert.False(SmtpPathParser.TryParsePath(path, SmtpPathKind.Forward, out var mailbox, out _));
        Assert.Null(mailbox);
    }

    [Fact]
    public void ForwardPath_LongLabel_Rejected()
    {
        var label = new string('a', 64);

        Assert.False(SmtpPathParser.TryParsePath($"<u@{label}.example>", SmtpPathKind.Forward, out _, out _));
        Assert.True(SmtpPathParser.TryParsePath($"<u@{label[1..]}.example>", SmtpPathKind.Forward, out _, out _));
    }

    [Fact]
    public void ForwardPath_DomainOver255Octets_Rejected()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));

        Assert.Equal(255, domain.Length);
        Assert.True(SmtpPathParser.TryParsePath($"<u@{domain}>", SmtpPathKind.Forward, out _, out _));
        Assert.False(SmtpPathParser.TryParsePath($"<u@{domain}a>", SmtpPathKind.Forward, out _, out _));
    }

    [Theory]
    [InlineData("<Postmaster>")]
    [InlineData("<postmaster>")]
    [InlineData("<POSTMASTER>")]
    public void ForwardPath_BarePostmaster_NoDomain(string path)
    {
        Assert.True(SmtpPathParser.TryParsePath(path, SmtpPathKind.Forward, out var mailbox, out var length));

        Assert.NotNull(mailbox);
        Assert.True(mailbox.IsPostmaster);
        Assert.Null(mailbox.Domain);
        Assert.Equal(path.Length, length);
    }

    [Fact]
    public void ReversePath_BarePostmaster_Rejected()
    {
        Assert.False(SmtpPathParser.TryParsePath("<Postmaster>", SmtpPathKind.Reverse, out _, out _));
    }

    [Fact]
    public void ReversePath_NullPath_NullMailbox()
    {
        Assert.True(SmtpPathParser.TryParsePath("<> SIZE=10", SmtpPathKind.Reverse, out var mailbox, out var length));

        Assert.Null(mailbox);
        Assert.Equal(2, length);
    }

    [Fact]
    public void Path_FollowedByParameters_LengthStopsAtBracket()
    {
        Assert.True(SmtpPathParser.TryParsePath("<a@example.net> SIZE=10", SmtpPathKind.Reverse, out _, out var length));

        Assert.Equal("<a@example.net>".Length, length);
    }

    [Theory]
    [InlineData("user@example.net", true)]
    [InlineData("\"a b\"@example.net", true)]
    [InlineData("user@[192.0.2.1]", true)]
    [InlineData("<user@example.net>", false)]
    [InlineData("user@example.net trailing", false)]
    [InlineData("Postmaster", false)]
    public void MailboxTryParse_BareAddress(string text, bool expected)
    {
        Assert.Equal(expected, Mailbox.TryParse(text, out var mailbox));
        Assert.Equal(expected, mailbox is not null);
    }

    [Theory]
    [InlineData("user", "example.net", "user@example.net")]
    [InlineData(" ", "example.net", "\" \"@example.net")]
    [InlineData("a\"b", "example.net", "\"a\\\"b\"@example.net")]
    [InlineData("john..doe", "example.net", "\"john..doe\"@example.net")]
    [InlineData("Postmaster", null, "Postmaster")]
    [InlineData("用户", "例子.广告", "用户@例子.广告")]
    public void MailboxAddress_QuotesWhereNeeded(string localPart, string? domain, string expected)
    {
        var mailbox = new Mailbox(localPart, domain);

        Assert.Equal(expected, mailbox.Address);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("a\"b")]
    [InlineData("john..doe")]
    [InlineData("plain")]
    public void MailboxAddress_ParsesBackToSameMailbox(string localPart)
    {
        var mailbox = new Mailbox(localPart, "example.net");

        Assert.True(Mailbox.TryParse(mailbox.Address, out var reparsed));
        Assert.Equal(mailbox, reparsed);
    }

    [Fact]
    public void Mailbox_Equality_DomainCaseInsensitive()
    {
        var mailbox = new Mailbox("User", "Example.NET");

        Assert.Equal(new Mailbox("User", "example.net"), mailbox);
        Assert.Equal(new Mailbox("User", "example.net").GetHashCode(), mailbox.GetHashCode());
        Assert.NotEqual(new Mailbox("user", "example.net"), mailbox);
    }

    [Fact]
    public void Mailbox_NoDomainButNotPostmaster_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Mailbox("user", null));
    }

    [Theory]
    [InlineData("user@example.net", false)]
    [InlineData("用户@example.net", true)]
    [InlineData("user@例子.广告", true)]
    public void Mailbox_RequiresSmtpUtf8_WhenNonAscii(string address, bool expected)
    {
        Assert.True(Mailbox.TryParse(address, out var mailbox));
        Assert.Equal(expected, mailbox.RequiresSmtpUtf8);
    }
}
