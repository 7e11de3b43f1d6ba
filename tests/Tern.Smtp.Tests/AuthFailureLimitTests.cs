using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;
using static Tern.Smtp.Tests.Infrastructure.AuthSessionHarness;

namespace Tern.Smtp.Tests;

/// <summary>Failed AUTH attempts: the growing delay, the 421 per session and per client address.</summary>
public sealed class AuthFailureLimitTests
{
    private const string Failed = "535 5.7.8 Authentication credentials invalid";
    private const string TooManyFailures = "421 4.7.0 mx.example.net Error: too many failed authentications";

    [Fact]
    public async Task Failures_InOneSession_Get421AtLimit()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        for (var i = 1; i < SmtpServerOptions.DefaultMaxAuthenticationFailures; i++)
        {
            Assert.Equal(Failed, (await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, "guess" + i))).First);
        }

        var last = await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, "last guess"));

        Assert.Equal(TooManyFailures, last.First);
        Assert.True(await connection.Client.ReadEndOfStreamAsync());
        await connection.Run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(harness.Logger.Entries, entry => entry.EventId == 1022);
        Assert.DoesNotContain(harness.Logger.Entries, entry => entry.Message.Contains("guess", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_AcrossSessions_BlockAddress()
    {
        var harness = new AuthSessionHarness(maxFailuresPerClient: 3);
        await using (var first = await harness.ConnectAndGreetAsync())
        {
            Assert.Equal(Failed, (await first.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, "one"))).First);
            Assert.Equal(Failed, (await first.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, "two"))).First);
            await first.Client.CommandAsync("QUIT");
        }

        await using var second = await harness.ConnectAndGreetAsync();
        Assert.Equal(TooManyFailures, (await second.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, "three"))).First);

        // Once blocked, even the right password is not checked.
        await using var third = await harness.ConnectAndGreetAsync();
        Assert.Equal(TooManyFailures, (await third.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password))).First);
        Assert.Equal(3, harness.Authenticator.Calls.Count);
    }

    [Fact]
    public async Task Failures_AfterWindow_Forgotten()
    {
        var harness = new AuthSessionHarness(maxFailuresPerClient: 1);
        await using (var first = await harness.ConnectAndGreetAsync())
        {
            Assert.Equal(TooManyFailures, (await first.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, "one"))).First);
        }

        harness.Time.Advance(TimeSpan.FromMinutes(15));

        await using var second = await harness.ConnectAndGreetAsync();
        Assert.Equal("235 2.7.0 Authentication successful", (await second.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password))).First);
    }

    [Fact]
    public async Task FailureReplies_DelayDoubles()
    {
        var harness = new AuthSessionHarness(firstDelay: TimeSpan.FromSeconds(1));
        await using var connection = await harness.ConnectAndGreetAsync();

        foreach (var seconds in new[] { 1, 2, 4 })
        {
            var delay = TimeSpan.FromSeconds(seconds);
            await connection.Client.SendAsync("AUTH PLAIN " + Plain(UserName, "wrong") + "\r\n");
            await harness.Time.WaitForTimerAsync(delay);

            // Just short of the delay the reply must still be held back.
            harness.Time.Advance(delay - TimeSpan.FromMilliseconds(1));
            var early = connection.Client.ReadReplyAsync();
            await Task.Delay(50);
            Assert.False(early.IsCompleted);

            harness.Time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(Failed, (await early).First);
        }
    }

    [Fact]
    public void Tracker_Ipv6_CountsPerSlash64()
    {
        var time = new TimerTrackingTimeProvider(DateTimeOffset.UnixEpoch);
        var tracker = new AuthenticationFailureTracker(time, maxFailuresPerClient: 2);

        tracker.RecordFailure(System.Net.IPAddress.Parse("2001:db8:1:2::10"));
        tracker.RecordFailure(System.Net.IPAddress.Parse("2001:db8:1:2:ffff::99"));

        Assert.True(tracker.IsBlocked(System.Net.IPAddress.Parse("2001:db8:1:2::1")));
        Assert.False(tracker.IsBlocked(System.Net.IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void Tracker_Delay_CappedAtMaximum()
    {
        var time = new TimerTrackingTimeProvider(DateTimeOffset.UnixEpoch);
        var tracker = new AuthenticationFailureTracker(time, maxFailuresPerClient: 100);
        var client = System.Net.IPAddress.Parse("192.0.2.7");

        var delays = Enumerable.Range(0, 7).Select(_ => tracker.RecordFailure(client).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 16, 16], delays);
    }

    [Fact]
    public void Tracker_ParallelChecks_CountAgainstLimit()
    {
        var time = new TimerTrackingTimeProvider(DateTimeOffset.UnixEpoch);
        var tracker = new AuthenticationFailureTracker(time, maxFailuresPerClient: 3);
        var client = System.Net.IPAddress.Parse("192.0.2.8");

        // Three connections check passwords at the same moment: a fourth must wait for them.
        var started = Enumerable.Range(0, 4).Select(_ => tracker.TryBeginCheck(client)).ToArray();

        Assert.Equal([true, true, true, false], started);

        tracker.RecordFailure(client);
        tracker.EndCheck(client);
        tracker.EndCheck(client);
        tracker.EndCheck(client);

        Assert.True(tracker.TryBeginCheck(client));
        Assert.True(tracker.TryBeginCheck(client));
        Assert.False(tracker.TryBeginCheck(client));
    }
}
