using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests;

/// <summary>SIGKILL during a stream of messages: every message that got a 250 must survive the restart.</summary>
public sealed partial class CrashSafetyTests
{
    private static readonly string Body = string.Concat(Enumerable.Repeat(new string('x', 78) + "\r\n", 25));

    [Fact]
    public async Task Kill_WhileReceiving_KeepsEveryAcceptedMessage()
    {
        await using var server = await TernServer.StartAsync();
        var accepted = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var senders = Enumerable.Range(0, 3).Select(n => SendUntilDisconnectedAsync(server, n, accepted, stop.Token)).ToArray();

        // Kill once a few messages are through, while the senders are mid-transaction.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (accepted.Count < 30 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await server.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        Assert.True(accepted.Count >= 30, $"only {accepted.Count} messages were accepted before the kill");

        await server.RestartAsync();

        var missing = new List<string>();
        foreach (var id in accepted)
        {
            if (!await IsInMaildirOrQueueAsync(server, id))
            {
                missing.Add(id);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {accepted.Count} accepted messages lost: {string.Join(", ", missing)}");
    }

    private static async Task SendUntilDisconnectedAsync(TernServer server, int sender, ConcurrentBag<string> accepted, CancellationToken cancellationToken)
    {
        try
        {
            await using var wire = await SmtpWire.ConnectAsync(server.Address, server.MxPort);
            await wire.ReadReplyAsync();
            await wire.CommandAsync("EHLO crash.example.net");
            for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
            {
                await wire.CommandAsync("MAIL FROM:<sender@example.net>");
                await wire.CommandAsync("RCPT TO:<crash@localhost>");
                await wire.CommandAsync("DATA");
                await wire.SendAsync($"Subject: crash {sender}-{i}\r\n\r\n{Body}.\r\n");
                var reply = await wire.ReadReplyAsync();
                var match = QueuedAs().Match(reply.Text);
                if (reply.Code == 250 && match.Success)
                {
                    accepted.Add(match.Groups[1].Value);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The server died under the client: expected.
        }
    }

    private static async Task<bool> IsInMaildirOrQueueAsync(TernServer server, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var directory = server.MaildirNew("localhost", "crash");
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.GetFiles(directory))
                {
                    if (StoredMessage.ReceivedField(StoredMessage.Read(file)).Contains($"id {id}", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }

            var show = await server.RunCliAsync("queue", "show", id);
            if (show.ExitCode == 0)
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    [GeneratedRegex(@"queued as ([0-9A-Za-z]+)")]
    private static partial Regex QueuedAs();
}
