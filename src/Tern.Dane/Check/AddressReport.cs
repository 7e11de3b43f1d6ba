using System.Net;

namespace Tern.Dane.Check;

/// <summary>The connection to one address of a host: the TLS session, the chain, the match and the verdict.</summary>
public sealed record AddressReport
{
    public required string Address { get; init; }

    /// <summary>The TCP port connected to.</summary>
    public required int Port { get; init; }

    public required TlsVerdict Verdict { get; init; }

    /// <summary>A sentence that explains the verdict.</summary>
    public required string Message { get; init; }

    /// <summary>True when the verdict is Verified, Trusted or Anonymous.</summary>
    public bool Passed => Verdict is TlsVerdict.Verified or TlsVerdict.Trusted or TlsVerdict.Anonymous;

    /// <summary>The SMTP greeting; null for implicit TLS and for addresses not contacted.</summary>
    public string? Greeting { get; init; }

    /// <summary>The SNI name sent in the handshake.</summary>
    public string? ServerName { get; init; }

    /// <summary>The TLS protocol version, such as Tls13; null without a TLS session.</summary>
    public string? TlsProtocol { get; init; }

    /// <summary>The IANA name of the cipher suite, such as TLS_AES_256_GCM_SHA384; null without a TLS session.</summary>
    public string? CipherSuite { get; init; }

    /// <summary>The certificates the server sent, server certificate first, in the order sent.</summary>
    public IReadOnlyList<CertificateReport> Chain { get; init; } = [];

    /// <summary>The TLSA record that authenticated the server; null unless the verdict is Verified.</summary>
    public string? MatchedRecord { get; init; }

    /// <summary>Chain depth of the certificate the record matched: 0 is the server certificate.</summary>
    public int? MatchedDepth { get; init; }

    /// <summary>The reference identifier the server certificate matched; null for DANE-EE, which checks no name.</summary>
    public string? MatchedName { get; init; }

    internal static AddressReport Skipped(IPAddress address, int port, string message) =>
        new() { Address = address.ToString(), Port = port, Verdict = TlsVerdict.Skipped, Message = message };
}
