namespace Tern.LoadGenerator;

/// <summary>The counts and latencies of one connection, filled in by <see cref="LoadConnection"/> as it runs.</summary>
internal sealed class ConnectionResult
{
    /// <summary>Latency of each accepted message in milliseconds, from sending MAIL FROM to reading the reply after the data.</summary>
    public List<double> LatenciesMs { get; } = [];

    /// <summary>Messages that got a 2xx reply after their data.</summary>
    public int Accepted { get; set; }

    /// <summary>Replies other than the one the step expects: 354 for DATA, 2xx for everything else.</summary>
    public int ErrorReplies { get; set; }

    /// <summary>Why the connection ended early (timeout, broken protocol, closed socket, failed handshake), or null.</summary>
    public string? Failure { get; set; }

    /// <summary>The TLS protocol and cipher suite, or null when the connection stayed in plaintext.</summary>
    public string? TlsDescription { get; set; }
}
