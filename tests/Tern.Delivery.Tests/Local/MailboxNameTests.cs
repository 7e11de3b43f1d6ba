using Tern.Delivery.Local;

namespace Tern.Delivery.Tests.Local;

public sealed class MailboxNameTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("Alice", "alice")]
    [InlineData("first.last", "first.last")]
    [InlineData("o'brien+tag", "o'brien+tag")]
    [InlineData("\"bob\"", "bob")]
    [InlineData("\"b\\ob\"", "bob")]
    [InlineData("Ünïcödé", "ünïcödé")]
    [InlineData("a!#$%&'*+-=?^_`{|}~z", "a!#$%&'*+-=?^_`{|}~z")]
    public void NormalizeLocalPart_Valid_ReturnsDirectoryName(string localPart, string expected)
    {
        Assert.True(MailboxName.TryNormalizeLocalPart(localPart, out var name, out var reason), reason);

        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("..", "two dots in a row")]
    [InlineData(".hidden", "starts or ends with a dot")]
    [InlineData("trailing.", "starts or ends with a dot")]
    [InlineData("a..b", "two dots in a row")]
    [InlineData("a/b", "'/'")]
    [InlineData("\"..\"", "two dots in a row")]
    [InlineData("\".\"", "starts or ends with a dot")]
    [InlineData("\"../../etc/passwd\"", "starts or ends with a dot")]
    [InlineData("\"x/etc\"", "'/'")]
    [InlineData("\"a b\"", "U+0020")]
    [InlineData("\"a\\\\b\"", "'\\'")]
    [InlineData("\"a\u0000b\"", "U+0000")]
    [InlineData("\"unterminated", "no closing quote")]
    [InlineData("\"a\"b\"", "unescaped quote")]
    [InlineData("\"ends\\\"", "no closing quote")]
    [InlineData("a\u2215b", "'\u2215'")]
    public void NormalizeLocalPart_Unsafe_RejectedWithReason(string localPart, string reasonPart)
    {
        Assert.False(MailboxName.TryNormalizeLocalPart(localPart, out var name, out var reason));

        Assert.Null(name);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeLocalPart_Over64Octets_Rejected()
    {
        Assert.True(MailboxName.TryNormalizeLocalPart(new string('a', 64), out _, out _));

        Assert.False(MailboxName.TryNormalizeLocalPart(new string('a', 65), out _, out var reason));
        Assert.Contains("64 octets", reason, StringComparison.Ordinal);
        Assert.False(MailboxName.TryNormalizeLocalPart(new string('ü', 33), out _, out _));
    }

    [Theory]
    [InlineData("localhost", "localhost")]
    [InlineData("Users.Test", "users.test")]
    [InlineData("a-1.example", "a-1.example")]
    public void NormalizeDomain_Valid_LowerCased(string domain, string expected)
    {
        Assert.True(MailboxName.TryNormalizeDomain(domain, out var name, out var reason), reason);

        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad domain")]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a..b")]
    [InlineData("-a.example")]
    [InlineData("a-.example")]
    [InlineData("example.com.")]
    [InlineData("[192.0.2.1]")]
    [InlineData("a/b")]
    public void NormalizeDomain_Invalid_Rejected(string domain)
    {
        Assert.False(MailboxName.TryNormalizeDomain(domain, out _, out var reason));

        Assert.NotEmpty(reason);
    }

    [Theory]
    [InlineData("alice@example.com", "alice", "example.com")]
    [InlineData("\"a@b\"@example.com", "\"a@b\"", "example.com")]
    public void SplitAddress_SplitsAtLastAt(string address, string localPart, string domain)
    {
        Assert.True(MailboxName.TrySplitAddress(address, out var actualLocalPart, out var actualDomain));

        Assert.Equal(localPart, actualLocalPart);
        Assert.Equal(domain, actualDomain);
    }

    [Theory]
    [InlineData("Postmaster")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    public void SplitAddress_MissingPart_Fails(string address)
    {
        Assert.False(MailboxName.TrySplitAddress(address, out _, out _));
    }
}
