using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests.Delivery;

/// <summary>Starts <c>tern serve</c> as a sender or receiver in the lab, submits mail to it and reads its log.</summary>
internal static partial class LabTern
{
    /// <summary>The local domain of every test server (<see cref="TernServer"/> accepts any local part there), used for senders so that bounces stay local.</summary>
    public const string SenderDomain = "localhost";

    private static readonly string[] LoopbackNetworks = ["127.0.0.0/8"];

    /// <summary>Starts a Tern that relays for loopback clients and resolves through the lab resolver.</summary>
    public static Task<TernServer> StartSenderAsync(DeliveryLabFixture lab, Action<Dictionary<string, object?>>? configure = null) =>
        TernServer.StartAsync(config =>
        {
            config["Relay"] = new { ClientNetworks = LoopbackNetworks };
            config["Dns"] = new { Resolvers = new[] { lab.Lab.Resolver } };
            configure?.Invoke(config);
        });

    /// <summary>
    /// Starts a Tern that receives mail for tern-mx.example on the zone's MX address and port, with the
    /// certificate whose key the zone's TLSA record names, or with a self-signed certificate of a new
    /// key when <paramref name="withZoneKey"/> is false.
    /// </summary>
    public static Task<TernServer> StartReceiverAsync(DeliveryLabFixture lab, bool withZoneKey = true)
    {
        var zone = lab.TernMx;
        var certificate = withZoneKey ? (zone.Chain, zone.Key) : ((string Chain, string Key)?)null;
        return StartMxReceiverAsync(lab, zone.Host, zone.Address, zone.Port, certificate, [zone.Domain]);
    }

    /// <summary>Starts a Tern that receives mail for the lab MX host <paramref name="server"/>, with that host's certificate.</summary>
    public static Task<TernServer> StartReceiverAsync(DeliveryLabFixture lab, LabMxServer server) =>
        StartMxReceiverAsync(lab, server.Host, server.Address, server.ListenPort, (server.Chain, server.Key), server.Domains);

    /// <summary>
    /// Starts a Tern named <paramref name="host"/> with an MX listener on <paramref name="address"/> and
    /// <paramref name="port"/> that stores mail for every local part of <paramref name="domains"/> in its
    /// Maildir. Without <paramref name="certificate"/> (PEM chain and key files) it generates a self-signed one.
    /// </summary>
    private static async Task<TernServer> StartMxReceiverAsync(
        DeliveryLabFixture lab, string host, string address, int port, (string Chain, string Key)? certificate, IEnumerable<string> domains)
    {
        var server = await TernServer.StartAsync(config =>
        {
            config["HostName"] = host;
            config["Listeners"] = ((object[])config["Listeners"]!).Append(new { Address = address, Port = port, Mode = "Mx" }).ToArray();
            var localDomains = (Dictionary<string, object>)config["LocalDomains"]!;
            foreach (var domain in domains)
            {
                localDomains[domain] = new { CatchAll = true };
            }

            if (certificate is { } files)
            {
                config["Tls"] = new { CertificateFile = files.Chain, KeyFile = files.Key };
            }

            config["Dns"] = new { Resolvers = new[] { lab.Lab.Resolver } };
        });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await CanConnectAsync(address, port))
        {
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"tern serve does not listen on {address}:{port} within 10 s:\n{server.Output}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    /// <summary>Submits one message to the server's MX listener and returns its queue id.</summary>
    public static async Task<string> SubmitAsync(TernServer server, string sender, string recipient, string messageId) =>
        (await SubmitAsync(server, sender, [(recipient, messageId)]))[0];

    /// <summary>
    /// Submits one message per (recipient, Message-ID) pair in one SMTP session and returns the queue ids
    /// from the 250 replies to the final dots. Throws when any other reply than the expected one arrives.
    /// </summary>
    public static async Task<List<string>> SubmitAsync(TernServer server, string sender, IEnumerable<(string Recipient, string MessageId)> messages)
    {
        await using var wire = await SmtpWire.ConnectAsync(server.Address, server.MxPort);
        Expect(220, await wire.ReadReplyAsync(), "greeting");
        Expect(250, await wire.CommandAsync("EHLO client.lab-test.example"), "EHLO");

        var queueIds = new List<string>();
        foreach (var (recipient, messageId) in messages)
        {
            Expect(250, await wire.CommandAsync($"MAIL FROM:<{sender}>"), "MAIL");
            Expect(250, await wire.CommandAsync($"RCPT TO:<{recipient}>"), $"RCPT {recipient}");
            Expect(354, await wire.CommandAsync("DATA"), "DATA");
            var reply = await wire.CommandAsync(Content(sender, recipient, messageId) + ".");
            Expect(250, reply, $"end of data for {messageId}");
            queueIds.Add(QueuedAs().Match(reply.Text) is { Success: true } match
                ? match.Groups["id"].Value
                : throw new InvalidOperationException($"no queue id in the reply to the end of data: {reply}"));
        }

        await wire.CommandAsync("QUIT");
        return queueIds;
    }

    /// <summary>Returns a new Message-ID (without angle brackets) that no other test run uses.</summary>
    public static string NewMessageId(string label) =>
        string.Create(CultureInfo.InvariantCulture, $"{label}.{Guid.NewGuid():N}@client.lab-test.example");

    /// <summary>Waits until the queue runner logged a result for the queue id and returns the first one.</summary>
    public static async Task<TernResult> WaitForResultAsync(TernServer server, string queueId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var result = Results(server).FirstOrDefault(r => r.QueueId == queueId);
            if (result is not null)
            {
                return result;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no delivery result for {queueId} within {timeout.TotalSeconds} s:\n{server.Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Returns every delivery result the queue runner logged so far.</summary>
    public static List<TernResult> Results(TernServer server)
    {
        var results = new List<TernResult>();
        foreach (var line in server.Output.Split('\n'))
        {
            var match = ResultLine().Match(line.TrimEnd('\r'));
            if (match.Success)
            {
                results.Add(new TernResult(
                    match.Groups["queue"].Value, match.Groups["recipient"].Value, match.Groups["relay"].Value,
                    match.Groups["dsn"].Value, match.Groups["status"].Value, match.Groups["reply"].Value, line));
            }
        }

        return results;
    }

    /// <summary>
    /// Returns the trust levels (Verified, Trusted, Untrusted, Anonymous) of the TLS connections that the
    /// server logged to a relay such as <c>mx.dane-ee.example[127.25.0.1]:25</c>.
    /// </summary>
    public static List<string> TlsTrustLevels(TernServer server, string relay) =>
        [.. server.Output.Split('\n')
            .Select(line => TlsLine().Match(line))
            .Where(match => match.Success && match.Groups["relay"].Value == relay)
            .Select(match => match.Groups["level"].Value)];

    private static string Content(string sender, string recipient, string messageId) =>
        $"From: <{sender}>\r\n" +
        $"To: <{recipient}>\r\n" +
        "Subject: lab delivery test\r\n" +
        $"Message-ID: <{messageId}>\r\n" +
        string.Create(CultureInfo.InvariantCulture, $"Date: {DateTimeOffset.UtcNow:ddd, dd MMM yyyy HH:mm:ss} +0000\r\n") +
        "\r\n" +
        "A message from the Tern delivery tests.\r\n";

    private static void Expect(int code, SmtpWireReply reply, string step)
    {
        if (reply.Code != code)
        {
            throw new InvalidOperationException($"{step}: expected {code}, got {reply}");
        }
    }

    private static async Task<bool> CanConnectAsync(string address, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"queued as (?<id>[0-9A-Z]+)")]
    private static partial Regex QueuedAs();

    // Event 3102 of the queue runner; the remote agent logs the same text at Debug level as event 5105.
    [GeneratedRegex(@"QueueRunner\[3102\] (?<queue>[0-9A-Z]+): to=<(?<recipient>[^>]*)>, relay=(?<relay>\S+), delay=\S+, dsn=(?<dsn>[0-9.]+), status=(?<status>[a-z]+) \((?<reply>.*)\)$")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"\[5100\] (?<level>[A-Za-z]+) TLS connection established to (?<relay>\S+): ")]
    private static partial Regex TlsLine();
}
