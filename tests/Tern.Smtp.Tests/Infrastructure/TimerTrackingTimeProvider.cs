using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>
/// A fake clock that reports the due time of each timer created with one, so a test can advance the
/// clock only once the session waits on that timer. Advancing earlier would be lost, because a timer
/// created after the advance is due from the new time.
/// </summary>
internal sealed class TimerTrackingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _dueTimes.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer due after <paramref name="dueTime"/> has been created; fails after 10 seconds.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await _dueTimes.Reader.ReadAsync(timeout.Token) != dueTime)
        {
        }
    }
}
