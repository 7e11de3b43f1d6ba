using System.Security.Authentication;

namespace Tern.Smtp;

/// <summary>Names TLS versions the way OpenSSL, Postfix and RFC 3848 Received comments do ("TLSv1.3").</summary>
public static class TlsProtocolName
{
    public static string Format(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        _ => protocol.ToString(),
    };
}
