using System.Globalization;
using System.Text;

namespace Tern.LoadGenerator;

/// <summary>The totals of a load run, printed as text or serialized as JSON.</summary>
internal sealed record LoadReport
{
    public required string Server { get; init; }

    /// <summary>The time the first connection was opened, for comparison with Maildir file times.</summary>
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>The TLS protocol and cipher suite of the first connection that negotiated TLS, or null for plaintext.</summary>
    public string? Tls { get; init; }

    public required int Connections { get; init; }

    public required int MessagesPerConnection { get; init; }

    public required int MessageSize { get; init; }

    public required int Messages { get; init; }

    public required int Accepted { get; init; }

    public required int ErrorReplies { get; init; }

    public required int FailedConnections { get; init; }

    /// <summary>Wall-clock time from opening the first connection to closing the last, QUIT included.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>CPU time this process used over <see cref="ElapsedSeconds"/>, all threads together.</summary>
    public required double ClientCpuSeconds { get; init; }

    /// <summary>Accepted messages divided by <see cref="ElapsedSeconds"/>.</summary>
    public required double MessagesPerSecond { get; init; }

    /// <summary>Median latency of the accepted messages, or null when none was accepted.</summary>
    public required double? LatencyP50Ms { get; init; }

    public required double? LatencyP99Ms { get; init; }

    public required double? LatencyMaxMs { get; init; }

    /// <summary>True when every message was accepted with no error reply and no connection failed.</summary>
    public bool Succeeded => Accepted == Messages && ErrorReplies == 0 && FailedConnections == 0;

    public static LoadReport Create(LoadOptions options, IReadOnlyList<ConnectionResult> results, DateTimeOffset startTime, TimeSpan elapsed, TimeSpan clientCpu)
    {
        var latencies = results.SelectMany(result => result.LatenciesMs).Order().ToArray();
        var accepted = results.Sum(result => result.Accepted);
        return new LoadReport
        {
            Server = options.Server.ToString(),
            StartTime = startTime,
            Tls = results.Select(result => result.TlsDescription).FirstOrDefault(description => description is not null),
            Connections = options.Connections,
            MessagesPerConnection = options.MessagesPerConnection,
            MessageSize = options.MessageSize,
            Messages = options.TotalMessages,
            Accepted = accepted,
            ErrorReplies = results.Sum(result => result.ErrorReplies),
            FailedConnections = results.Count(result => result.Failure is not null),
            ElapsedSeconds = elapsed.TotalSeconds,
            ClientCpuSeconds = clientCpu.TotalSeconds,
            MessagesPerSecond = elapsed > TimeSpan.Zero ? accepted / elapsed.TotalSeconds : 0,
            LatencyP50Ms = Percentile(latencies, 50),
            LatencyP99Ms = Percentile(latencies, 99),
            LatencyMaxMs = latencies.Length > 0 ? latencies[^1] : null,
        };
    }

    /// <summary>Returns the nearest-rank percentile of sorted values: the smallest value with at least <paramref name="percent"/>% of the values at or below it, or null when there are none.</summary>
    internal static double? Percentile(double[] sorted, int percent)
    {
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public string ToText()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"server             {Server} ({Tls ?? "plaintext"})");
        text.AppendLine(invariant, $"load               {Connections} connections x {MessagesPerConnection} messages of {MessageSize} octets");
        text.AppendLine(invariant, $"messages           {Accepted} of {Messages} accepted");
        text.AppendLine(invariant, $"elapsed            {ElapsedSeconds:0.000} s");
        text.AppendLine(invariant, $"throughput         {MessagesPerSecond:0.0} messages/s");
        text.AppendLine(invariant, $"client CPU         {ClientCpuSeconds:0.000} s");
        if (Accepted > 0)
        {
            text.AppendLine(invariant, $"latency            p50 {LatencyP50Ms:0.00} ms, p99 {LatencyP99Ms:0.00} ms, max {LatencyMaxMs:0.00} ms");
        }
        else
        {
            text.AppendLine("latency            none measured: no message was accepted");
        }

        text.AppendLine(invariant, $"error replies      {ErrorReplies}");
        text.AppendLine(invariant, $"failed connections {FailedConnections}");
        return text.ToString();
    }
}
