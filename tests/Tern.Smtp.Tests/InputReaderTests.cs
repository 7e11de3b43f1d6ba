using System.Text;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests;

/// <summary>
/// The input reader with the input split at every possible point: each read returns at most
/// <c>readSize</c> octets, so line ends and the end-of-data sequence straddle reads.
/// </summary>
public sealed class InputReaderTests
{
    public static TheoryData<int> ReadSizes => [1, 2, 3, 7, 64 * 1024];

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Commands_SplitReads_SameLines(int readSize)
    {
        using var reader = CreateReader("EHLO a\r\nNOOP\r\n\r\nQUIT\r\n", readSize);

        Assert.Equal("EHLO a", await ReadLineAsync(reader));
        Assert.Equal("NOOP", await ReadLineAsync(reader));
        Assert.Equal(string.Empty, await ReadLineAsync(reader));
        Assert.Equal("QUIT", await ReadLineAsync(reader));
        Assert.Equal(CommandLineStatus.EndOfStream, await reader.ReadCommandAsync());
    }

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Commands_BareLineEndings_FlaggedAndSkipped(int readSize)
    {
        using var reader = CreateReader("A\nB\r\nC\rD\r\nE\r\r\nF\r\n", readSize);

        Assert.Equal(CommandLineStatus.BareLineEnding, await reader.ReadCommandAsync());
        Assert.Equal(CommandLineStatus.BareLineEnding, await reader.ReadCommandAsync());
        Assert.Equal(CommandLineStatus.BareLineEnding, await reader.ReadCommandAsync());
        Assert.Equal("F", await ReadLineAsync(reader));
    }

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Commands_LongLine_SkippedToCrlf(int readSize)
    {
        // The over-long line contains bare CR and LF, which must not end it early.
        var longLine = new string('a', 600) + "\n" + new string('b', 600) + "\r" + new string('c', 40_000);
        using var reader = CreateReader(longLine + "\r\nNOOP\r\n", readSize);

        Assert.Equal(CommandLineStatus.TooLong, await reader.ReadCommandAsync());
        Assert.Equal("NOOP", await ReadLineAsync(reader));
    }

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Commands_LineLimit_Boundary(int readSize)
    {
        // The reader takes MAIL and RCPT lengths; the session applies the 512-octet limit to other commands.
        var line = new string('x', SmtpInputReader.MaxParameterCommandLineOctets - 2);
        using var reader = CreateReader(line + "\r\n" + line + "x\r\n", readSize);

        Assert.Equal(line, await ReadLineAsync(reader));
        Assert.Equal(CommandLineStatus.TooLong, await reader.ReadCommandAsync());
    }

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Data_StuffedDotsAndTerminator_SplitReads(int readSize)
    {
        using var reader = CreateReader("Subject: d\r\n\r\n..\r\n...x\r\n.y\r\n.\r\nNOOP\r\n", readSize);
        using var content = new MemoryStream();
        var body = new MessageBodyWriter(content, 1_000_000);

        Assert.True(await reader.ReadDataAsync(body));

        Assert.Null(body.Rejection);
        Assert.Equal("Subject: d\r\n\r\n.\r\n..x\r\ny\r\n", Encoding.ASCII.GetString(content.ToArray()));
        Assert.Equal(content.Length, body.Size);
        Assert.Equal("NOOP", await ReadLineAsync(reader));
    }

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Data_BareLineFeedBeforeDot_NotTheEnd(int readSize)
    {
        using var reader = CreateReader("hi\n.\r\nMAIL FROM:<b@example.net>\r\n.\r\nNOOP\r\n", readSize);
        using var content = new MemoryStream();
        var body = new MessageBodyWriter(content, 1_000_000);

        Assert.True(await reader.ReadDataAsync(body));

        Assert.Equal(550, body.Rejection?.Code);
        Assert.Equal("NOOP", await ReadLineAsync(reader));
    }

    [Fact]
    public async Task Data_LargerThanBuffer_StoredExactly()
    {
        var expected = new StringBuilder();
        var wire = new StringBuilder();
        for (var i = 0; i < 5_000; i++)
        {
            var line = (i % 3 == 0 ? "." : string.Empty) + new string((char)('a' + (i % 26)), i % 90) + "\r\n";
            expected.Append(line);
            wire.Append(line.StartsWith('.') ? "." + line : line);
        }

        using var reader = CreateReader(wire + ".\r\n", 4_093);
        using var content = new MemoryStream();
        var body = new MessageBodyWriter(content, 10_000_000);

        Assert.True(await reader.ReadDataAsync(body));

        Assert.Null(body.Rejection);
        Assert.Equal(expected.ToString(), Encoding.ASCII.GetString(content.ToArray()));
    }

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Data_EndOfStreamInside_ReturnsFalse(int readSize)
    {
        using var reader = CreateReader("partial\r\n.", readSize);

        Assert.False(await reader.ReadDataAsync(body: null));
    }

    [Theory]
    [MemberData(nameof(ReadSizes))]
    public async Task Chunk_ExactSize_RestIsCommands(int readSize)
    {
        using var reader = CreateReader("a\r\n.\r\nbcNOOP\r\n", readSize);
        using var content = new MemoryStream();

        Assert.True(await reader.ReadChunkAsync(8, new MessageBodyWriter(content, 100)));

        Assert.Equal("a\r\n.\r\nbc", Encoding.ASCII.GetString(content.ToArray()));
        Assert.Equal("NOOP", await ReadLineAsync(reader));
    }

    [Fact]
    public async Task Chunk_EndOfStreamInside_ReturnsFalse()
    {
        using var reader = CreateReader("abc", 2);

        Assert.False(await reader.ReadChunkAsync(4, body: null));
    }

    [Fact]
    public async Task DiscardBufferedInput_CountsUnreadOctets()
    {
        using var reader = CreateReader("STARTTLS\r\nMAIL FROM:<x@example.net>\r\n", 64 * 1024);

        Assert.Equal("STARTTLS", await ReadLineAsync(reader));
        Assert.True(reader.HasBufferedInput);
        Assert.Equal(27, reader.DiscardBufferedInput());
        Assert.False(reader.HasBufferedInput);
    }

    private static SmtpInputReader CreateReader(string input, int readSize)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        var position = 0;
        return new SmtpInputReader(buffer =>
        {
            var count = Math.Min(Math.Min(readSize, buffer.Length), bytes.Length - position);
            bytes.AsSpan(position, count).CopyTo(buffer.Span);
            position += count;
            return ValueTask.FromResult(count);
        });
    }

    private static async Task<string> ReadLineAsync(SmtpInputReader reader)
    {
        Assert.Equal(CommandLineStatus.Line, await reader.ReadCommandAsync());
        return Encoding.UTF8.GetString(reader.Line);
    }
}
