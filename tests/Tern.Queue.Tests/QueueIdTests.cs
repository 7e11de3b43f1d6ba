using Microsoft.Extensions.Time.Testing;

namespace Tern.Queue.Tests;

public sealed class QueueIdTests
{
    [Fact]
    public void ToString_RoundTripsThroughParse()
    {
        var id = new QueueId(0x0123_4567_89AB_CDEF);

        var text = id.ToString();

        Assert.Equal(QueueId.Length, text.Length);
        Assert.Equal(id, QueueId.Parse(text));
    }

    [Fact]
    public void Parse_Extremes_RoundTrip()
    {
        Assert.Equal("0000000000000", new QueueId(0).ToString());
        Assert.Equal("FZZZZZZZZZZZZ", new QueueId(ulong.MaxValue).ToString());
        Assert.Equal(new QueueId(ulong.MaxValue), QueueId.Parse("FZZZZZZZZZZZZ"));
    }

    [Fact]
    public void Parse_LowerCase_Accepted()
    {
        var id = new QueueId(0x00AB_CDEF_1234_5678);

        Assert.Equal(id, QueueId.Parse(id.ToString().ToLowerInvariant()));
    }

    [Theory]
    [InlineData("", "expected 13 characters")]
    [InlineData("000000000000", "expected 13 characters")]
    [InlineData("00000000000000", "expected 13 characters")]
    [InlineData("000000000000I", "character 'I' at position 13")]
    [InlineData("00000/0000000", "character '/' at position 6")]
    [InlineData("G000000000000", "does not fit in 64 bits")]
    public void Parse_Invalid_ThrowsWithReason(string text, string reason)
    {
        var exception = Assert.Throws<FormatException>(() => QueueId.Parse(text));

        Assert.Contains($"'{text}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.False(QueueId.TryParse(text, out _));
    }

    [Fact]
    public void Generator_SameMillisecond_IdsIncreaseInStringOrder()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var generator = new QueueIdGenerator(time);

        var ids = Enumerable.Range(0, 100).Select(_ => generator.Next()).ToList();
        time.Advance(TimeSpan.FromMilliseconds(1));
        ids.Add(generator.Next());

        var texts = ids.Select(id => id.ToString()).ToList();
        Assert.Equal(texts.Order(StringComparer.Ordinal), texts);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(time.GetUtcNow(), ids[^1].Timestamp);
    }

    [Fact]
    public void Generator_ClockBehindExistingId_StaysAbove()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var generator = new QueueIdGenerator(time);
        var existing = new QueueId((ulong)time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds() << QueueId.SequenceBits);

        generator.AdvancePast(existing);

        Assert.True(generator.Next() > existing);
    }
}
