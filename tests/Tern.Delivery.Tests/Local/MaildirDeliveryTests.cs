using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Tern.Delivery.Local;

namespace Tern.Delivery.Tests.Local;

public sealed partial class MaildirDeliveryTests : IDisposable
{
    private const string Content = "Subject: hello\r\n\r\nbody\r\n";

    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560));

    private string MailDirectory => Path.Combine(_data.Path, "mail");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Deliver_WritesReturnPathAndContentToNew()
    {
        var maildir = new MaildirDelivery(MailDirectory, _time, "mx.example");

        var path = await DeliverAsync(maildir, "example.com", "alice", "sender@example.net");

        var directory = Path.Combine(MailDirectory, "example.com", "alice");
        Assert.Equal(Path.Combine(directory, "new"), Path.GetDirectoryName(path));
        Assert.Equal(Encoding.ASCII.GetBytes("Return-Path: <sender@example.net>\r\n" + Content), await File.ReadAllBytesAsync(path));
        Assert.Empty(Directory.GetFiles(Path.Combine(directory, "tmp")));
        Assert.True(Directory.Exists(Path.Combine(directory, "cur")));
    }

    [Fact]
    public async Task Deliver_FileName_FollowsMaildirConvention()
    {
        var maildir = new MaildirDelivery(MailDirectory, _time, "mx.example");

        var first = Path.GetFileName(await DeliverAsync(maildir, "example.com", "alice", "s@example.net"));
        var second = Path.GetFileName(await DeliverAsync(maildir, "example.com", "alice", "s@example.net"));

        var match = MaildirName().Match(first);
        Assert.True(match.Success, first);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups["seconds"].Value);
        Assert.Equal("123456", match.Groups["microseconds"].Value);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups["pid"].Value);
        Assert.Equal("mx.example", match.Groups["host"].Value);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Deliver_HostNameWithSlashAndColon_Escaped()
    {
        var maildir = new MaildirDelivery(MailDirectory, _time, "odd/host:name");

        var name = Path.GetFileName(await DeliverAsync(maildir, "example.com", "alice", "s@example.net"));

        Assert.EndsWith(".odd\\057host\\072name", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_NullSender_WritesEmptyReturnPath()
    {
        var maildir = new MaildirDelivery(MailDirectory, _time);

        var path = await DeliverAsync(maildir, "example.com", "alice", string.Empty);

        Assert.StartsWith("Return-Path: <>\r\nSubject:", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_CreatesPrivateFilesAndDirectories()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var maildir = new MaildirDelivery(MailDirectory, _time);

        var path = await DeliverAsync(maildir, "example.com", "alice", "s@example.net");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var userDirectory = Path.Combine(MailDirectory, "example.com", "alice");
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(userDirectory) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead));
    }

    [Theory]
    [InlineData("example.com", "..")]
    [InlineData("example.com", ".")]
    [InlineData("example.com", ".hidden")]
    [InlineData("example.com", "a/b")]
    [InlineData("example.com", "../../escape")]
    [InlineData("example.com", "a\\b")]
    [InlineData("example.com", "a\0b")]
    [InlineData("example.com", "")]
    [InlineData("..", "alice")]
    [InlineData("../escape", "alice")]
    [InlineData("/etc", "alice")]
    public async Task Deliver_PathEscapingName_Rejected(string domain, string user)
    {
        var maildir = new MaildirDelivery(MailDirectory, _time);

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await DeliverAsync(maildir, domain, user, "s@example.net"));

        Assert.Contains("Invalid Maildir", exception.Message, StringComparison.Ordinal);
        // Nothing was created, inside the mail directory or next to it.
        Assert.Empty(Directory.GetFileSystemEntries(_data.Path));
    }

    [Theory]
    [InlineData("s@example.net\r\nX-Injected: yes")]
    [InlineData("s@example.net\n")]
    [InlineData("s\0@example.net")]
    public async Task Deliver_SenderWithLineBreak_Rejected(string sender)
    {
        var maildir = new MaildirDelivery(MailDirectory, _time);

        await Assert.ThrowsAsync<ArgumentException>(async () => await DeliverAsync(maildir, "example.com", "alice", sender));
    }

    private static async Task<string> DeliverAsync(MaildirDelivery maildir, string domain, string user, string sender)
    {
        using var content = new MemoryStream(Encoding.ASCII.GetBytes(Content));
        return await maildir.DeliverAsync(domain, user, sender, content, CancellationToken.None);
    }

    [GeneratedRegex(@"^(?<seconds>\d+)\.M(?<microseconds>\d+)P(?<pid>\d+)Q(?<counter>\d+)\.(?<host>.+)$")]
    private static partial Regex MaildirName();
}
