using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tern.LoadGenerator;

/// <summary>
/// <c>tern-loadgen</c>: sends SMTP load to a server on loopback and reports throughput and latency.
/// Exit codes: 0 when every message was accepted, 1 after any error reply or failed connection, 2 for
/// invalid arguments.
/// </summary>
internal static class Program
{
    private const int MaxPrintedErrors = 20;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static async Task<int> Main(string[] args)
    {
        var server = new Option<string>("--server") { Description = "IP address and port of the SMTP server; loopback only (127.0.0.0/8 or ::1)", DefaultValueFactory = _ => "127.0.0.1:2525" };
        var connections = new Option<int>("--connections") { Description = "Number of concurrent connections", DefaultValueFactory = _ => 10 };
        var messages = new Option<int>("--messages") { Description = "Messages sent on each connection, one after another", DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size") { Description = "Size of each message in octets, header included", DefaultValueFactory = _ => 10_240 };
        var startTls = new Option<bool>("--starttls") { Description = "Upgrade each connection with STARTTLS before the first message, accepting any server certificate" };
        var sender = new Option<string>("--from") { Description = "Envelope sender and From address", DefaultValueFactory = _ => "loadgen@localhost" };
        var recipient = new Option<string>("--to") { Description = "Envelope recipient and To address", DefaultValueFactory = _ => "bench@localhost" };
        var connectTimeout = new Option<int>("--connect-timeout") { Description = "Seconds allowed for each TCP connect", DefaultValueFactory = _ => 10 };
        var replyTimeout = new Option<int>("--reply-timeout") { Description = "Seconds allowed for each step: sending a command or the message data and reading the reply", DefaultValueFactory = _ => 30 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of text" };

        var root = new RootCommand("Send SMTP load to a server on loopback and report messages/s and per-message latency (MAIL FROM to the reply after the data).")
        {
            server, connections, messages, size, startTls, sender, recipient, connectTimeout, replyTimeout, json,
        };

        root.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!LoadOptions.TryParseServer(parseResult.GetValue(server)!, out var endPoint, out var serverError))
            {
                return Usage([serverError!]);
            }

            var options = new LoadOptions
            {
                Server = endPoint!,
                Connections = parseResult.GetValue(connections),
                MessagesPerConnection = parseResult.GetValue(messages),
                MessageSize = parseResult.GetValue(size),
                StartTls = parseResult.GetValue(startTls),
                Sender = parseResult.GetValue(sender)!,
                Recipient = parseResult.GetValue(recipient)!,
                ConnectTimeout = TimeSpan.FromSeconds(parseResult.GetValue(connectTimeout)),
                ReplyTimeout = TimeSpan.FromSeconds(parseResult.GetValue(replyTimeout)),
            };

            var errors = options.Validate();
            if (errors.Count > 0)
            {
                return Usage(errors);
            }

            var report = await RunAsync(options, cancellationToken);
            Console.Write(parseResult.GetValue(json) ? JsonSerializer.Serialize(report, JsonOptions) + Environment.NewLine : report.ToText());
            return report.Succeeded ? 0 : 1;
        });

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return Usage(parsed.Errors.Select(error => error.Message).ToList());
        }

        return await parsed.InvokeAsync();
    }

    private static async Task<LoadReport> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var runId = RandomNumberGenerator.GetHexString(8, lowercase: true);
        var message = new TestMessage(options.Sender, options.Recipient, options.MessageSize, runId, DateTimeOffset.UtcNow);
        var errors = new ErrorReporter(MaxPrintedErrors);

        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var startTime = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var connections = Enumerable.Range(0, options.Connections)
            .Select(number => Task.Run(() => new LoadConnection(number, options, message, errors).RunAsync(cancellationToken), cancellationToken));
        var results = await Task.WhenAll(connections);
        stopwatch.Stop();
        process.Refresh();
        var clientCpu = process.TotalProcessorTime - cpuBefore;

        errors.WriteSummary();
        return LoadReport.Create(options, results, startTime, stopwatch.Elapsed, clientCpu);
    }

    private static int Usage(IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine($"tern-loadgen: {error}");
        }

        Console.Error.WriteLine("Run 'tern-loadgen --help' for usage.");
        return 2;
    }
}
