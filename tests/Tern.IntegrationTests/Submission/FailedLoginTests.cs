using System.Diagnostics;
using Tern.IntegrationTests.Infrastructure;
using static Tern.IntegrationTests.Submission.SubmissionServer;

namespace Tern.IntegrationTests.Submission;

/// <summary>Ten wrong passwords from one address: slower replies, 421 at the limits, and no password in the log.</summary>
public sealed class FailedLoginTests : IAsyncLifetime
{
    // Short delays keep the test fast; the doubling and the cap are what is measured.
    private const int FirstDelayMilliseconds = 50;
    private const int MaxDelayMilliseconds = 1600;

    private TernServer _server = null!;

    public async Task InitializeAsync() => _server = await StartWithUserAsync(config =>
        config["Auth"] = new { FailureDelayMilliseconds = FirstDelayMilliseconds, MaxFailureDelayMilliseconds = MaxDelayMilliseconds });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TenWrongPasswords_SlowDownThen421()
    {
        var elapsed = new List<TimeSpan>();
        var closingReplies = new List<string>();

        // The default limits: 5 failures close a session, 10 from one address close every later one.
        for (var session = 0; session < 2; session++)
        {
            await using var wire = await ConnectWithTlsAsync(_server);
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                var stopwatch = Stopwatch.StartNew();
                var reply = await wire.CommandAsync("AUTH PLAIN " + Plain(UserName, $"guess-{session}-{attempt}"));
                elapsed.Add(stopwatch.Elapsed);
                if (attempt < 5)
                {
                    Assert.Equal("535 5.7.8 Authentication credentials invalid", reply.Text);
                }
                else
                {
                    closingReplies.Add(reply.Text);
                }
            }

            await Assert.ThrowsAsync<EndOfStreamException>(() => wire.ReadReplyAsync());
        }

        // A new connection with the right password is refused too: the address is over its limit.
        await using var blocked = await ConnectWithTlsAsync(_server);
        var refused = await blocked.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.All(closingReplies, text => Assert.Equal("421 4.7.0 mx.tern.test Error: too many failed authentications", text));
        Assert.Equal(421, refused.Code);

        // Each 535 waits at least its delay: 50, 100, 200 and 400 ms in the first session, and in the
        // second, after five failures, 50 ms doubled five times, which is the 1600 ms cap.
        int[] expectedMinimum = [50, 100, 200, 400, -1, 1600, 1600, 1600, 1600];
        for (var i = 0; i < expectedMinimum.Length; i++)
        {
            Assert.True(elapsed[i] >= TimeSpan.FromMilliseconds(expectedMinimum[i]), $"reply {i + 1} took {elapsed[i].TotalMilliseconds} ms");
        }

        // The hash computation varies with the load of the machine, but far less than the 1550 ms between
        // the first and the capped delay.
        var fastestCapped = elapsed.Skip(5).Take(4).Min();
        Assert.True(fastestCapped - elapsed[0] >= TimeSpan.FromMilliseconds(1000), $"first reply {elapsed[0].TotalMilliseconds} ms, fastest capped one {fastestCapped.TotalMilliseconds} ms");

        Assert.DoesNotContain("guess-", _server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _server.Output, StringComparison.Ordinal);
        Assert.Contains($"authentication failed for {UserName}", _server.Output, StringComparison.Ordinal);
    }
}
