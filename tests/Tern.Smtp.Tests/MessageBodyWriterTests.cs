using System.Text;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests;

/// <summary>The content checks, fed in segments as the reader delivers them.</summary>
public sealed class MessageBodyWriterTests
{
    [Theory]
    [InlineData("a\r\nb\r\n", null)]
    [InlineData("a\nb\r\n", 550)]
    [InlineData("a\rb\r\n", 550)]
    [InlineData("a\r", 550)]
    [InlineData("a\r\r\n", 550)]
    public async Task LineEndings_OnlyCrlfAccepted(string content, int? expectedCode)
    {
        var body = new MessageBodyWriter(new MemoryStream(), 1000);

        await WriteInSegmentsAsync(body, content, 1);
        body.Complete();

        Assert.Equal(expectedCode, body.Rejection?.Code);
    }

    [Theory]
    [InlineData(998, null)]
    [InlineData(999, 554)]
    public async Task LineLength_1000WithCrlf_Boundary(int length, int? expectedCode)
    {
        var body = new MessageBodyWriter(new MemoryStream(), 1_000_000);

        await WriteInSegmentsAsync(body, new string('x', length) + "\r\nshort\r\n", 100);
        body.Complete();

        Assert.Equal(expectedCode, body.Rejection?.Code);
    }

    [Fact]
    public async Task Size_OverLimit_StopsWritingButCounts()
    {
        var content = new MemoryStream();
        var body = new MessageBodyWriter(content, 10);

        await WriteInSegmentsAsync(body, "12345\r\n12345\r\n", 7);

        Assert.Equal(552, body.Rejection?.Code);
        Assert.Equal(14, body.Size);
        Assert.Equal("12345\r\n", Encoding.ASCII.GetString(content.ToArray()));
    }

    [Fact]
    public async Task StoreFailure_RecordedNotThrown()
    {
        var content = new MemoryStream();
        await content.DisposeAsync();
        var body = new MessageBodyWriter(content, 100);

        await body.WriteAsync(Encoding.ASCII.GetBytes("a\r\n"));

        Assert.IsType<ObjectDisposedException>(body.StoreError);
        Assert.Null(body.Rejection);
    }

    private static async Task WriteInSegmentsAsync(MessageBodyWriter body, string text, int segmentSize)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        for (var i = 0; i < bytes.Length; i += segmentSize)
        {
            await body.WriteAsync(bytes.AsMemory(i, Math.Min(segmentSize, bytes.Length - i)));
        }
    }
}
