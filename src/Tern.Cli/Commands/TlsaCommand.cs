using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tern.Cli.Commands.Dane;
using Tern.Dane;
using Tern.Dane.Check;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern tlsa</c>: builds a TLSA record from a certificate file or from the chain a live server
/// presents, and prints it as a zone-file line or as RDATA. Exit codes: 0 printed, 1 the server could
/// not be reached or sent no suitable certificate, 2 invalid arguments or an unreadable file.
/// </summary>
internal static class TlsaCommand
{
    public static Command Create()
    {
        var options = new TlsaOptions();
        var command = new Command(
            "tlsa",
            "Build a TLSA record from a PEM certificate file (--cert) or from what a live server presents (--connect). "
            + "Prints '_PORT._tcp.HOST. IN TLSA ...' with --host, else only the RDATA 'usage selector matching-type hex'.")
        {
            options.Certificate,
            options.Connect,
            options.StartTls,
            options.Usage,
            options.Selector,
            options.Matching,
            options.Port,
            options.Host,
            options.ConnectTimeout,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, options, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, TlsaOptions options, CancellationToken cancellationToken)
    {
        var certificatePath = parseResult.GetValue(options.Certificate);
        var connect = parseResult.GetValue(options.Connect);
        if ((certificatePath is null) == (connect is null))
        {
            return await UsageErrorAsync("give exactly one of --cert FILE and --connect HOST:PORT");
        }

        if (ValidateFields(parseResult, options) is { } fieldError)
        {
            return await UsageErrorAsync(fieldError);
        }

        var usage = (CertificateUsage)parseResult.GetValue(options.Usage);
        var selector = (Selector)parseResult.GetValue(options.Selector);
        var matching = (MatchingType)parseResult.GetValue(options.Matching);
        var host = parseResult.GetValue(options.Host);
        var port = parseResult.GetValue(options.Port);
        if (!CommandLineValues.IsPort(port))
        {
            return await UsageErrorAsync(Invariant($"invalid --port {port}: expected 1 to 65535"));
        }

        if (host is not null)
        {
            if (!CommandLineValues.TryParseDomain(host, out var normalizedHost, out var hostError))
            {
                return await UsageErrorAsync(hostError.Replace("invalid domain", "invalid --host", StringComparison.Ordinal));
            }

            host = normalizedHost;
        }

        var (certificate, exitCode) = certificatePath is not null
            ? await SelectFromFileAsync(certificatePath, usage)
            : await SelectFromServerAsync(parseResult, options, connect!, host, usage, cancellationToken);
        if (certificate is null)
        {
            return exitCode;
        }

        var record = TlsaGenerator.Create(certificate, usage, selector, matching);
        if (TlsaGenerator.GetWarning(record) is { } warning)
        {
            await Console.Error.WriteLineAsync($"tern: warning: {warning}");
        }

        Console.WriteLine(host is null ? record.ToString() : TlsaGenerator.ToZoneLine(record, host, port));
        return ExitCodes.Success;
    }

    private static string? ValidateFields(ParseResult parseResult, TlsaOptions options)
    {
        var usage = parseResult.GetValue(options.Usage);
        if (usage is < 0 or > 3)
        {
            return Invariant($"invalid --usage {usage}: expected 0 (PKIX-TA), 1 (PKIX-EE), 2 (DANE-TA) or 3 (DANE-EE)");
        }

        var selector = parseResult.GetValue(options.Selector);
        if (selector is < 0 or > 1)
        {
            return Invariant($"invalid --selector {selector}: expected 0 (whole certificate) or 1 (SubjectPublicKeyInfo)");
        }

        var matching = parseResult.GetValue(options.Matching);
        return matching is < 0 or > 2
            ? Invariant($"invalid --matching {matching}: expected 0 (full data), 1 (SHA-256) or 2 (SHA-512)")
            : null;
    }

    /// <summary>
    /// Loads the PEM file and picks the certificate the usage names: the first for an end-entity usage,
    /// the last CA certificate for a trust-anchor usage.
    /// </summary>
    private static async Task<(X509Certificate2? Certificate, int ExitCode)> SelectFromFileAsync(string path, CertificateUsage usage)
    {
        if (!File.Exists(path))
        {
            await UsageErrorAsync($"certificate file '{path}' not found; give the path of a PEM file");
            return (null, ExitCodes.Usage);
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (CryptographicException ex)
        {
            await UsageErrorAsync($"certificate file '{path}' is not a valid PEM file: {ex.Message}");
            return (null, ExitCodes.Usage);
        }
        catch (IOException ex)
        {
            await UsageErrorAsync($"certificate file '{path}' cannot be read: {ex.Message}");
            return (null, ExitCodes.Usage);
        }

        if (certificates.Count == 0)
        {
            await UsageErrorAsync($"certificate file '{path}' is not PEM or contains no certificate: expected '-----BEGIN CERTIFICATE-----' blocks");
            return (null, ExitCodes.Usage);
        }

        if (usage is CertificateUsage.DaneEe or CertificateUsage.PkixEe)
        {
            return (certificates[0], ExitCodes.Success);
        }

        var anchor = certificates.LastOrDefault(IsCertificateAuthority);
        if (anchor is null)
        {
            await UsageErrorAsync(Invariant($"certificate file '{path}' contains no CA certificate, which usage {(int)usage} needs; add the issuing CA to the file"));
            return (null, ExitCodes.Usage);
        }

        return (anchor, ExitCodes.Success);
    }

    /// <summary>Connects to the server and picks the server certificate, or for a trust-anchor usage the topmost certificate it sent.</summary>
    private static async Task<(X509Certificate2? Certificate, int ExitCode)> SelectFromServerAsync(
        ParseResult parseResult, TlsaOptions options, string connect, string? host, CertificateUsage usage, CancellationToken cancellationToken)
    {
        if (!CommandLineValues.TryParseHostAndPort(connect, out var serverHost, out var serverPort, out var error))
        {
            await UsageErrorAsync(error.Replace("invalid host", "invalid --connect", StringComparison.Ordinal));
            return (null, ExitCodes.Usage);
        }

        if (serverPort is null)
        {
            await UsageErrorAsync($"missing port in --connect '{connect}': expected HOST:PORT, such as 192.0.2.1:25");
            return (null, ExitCodes.Usage);
        }

        var seconds = parseResult.GetValue(options.ConnectTimeout);
        if (double.IsNaN(seconds) || seconds <= 0 || seconds > 3600)
        {
            await UsageErrorAsync(Invariant($"invalid --connect-timeout {seconds}: expected a number of seconds above 0 and at most 3600"));
            return (null, ExitCodes.Usage);
        }

        IPAddress address;
        var isAddress = IPAddress.TryParse(serverHost, out var parsed);
        if (isAddress)
        {
            address = parsed!;
        }
        else
        {
            try
            {
                address = (await System.Net.Dns.GetHostAddressesAsync(serverHost, cancellationToken))[0];
            }
            catch (Exception ex) when (ex is SocketException or IndexOutOfRangeException)
            {
                await Console.Error.WriteLineAsync($"tern: cannot resolve '{serverHost}': {ex.Message}");
                return (null, ExitCodes.Failure);
            }
        }

        // SNI names the service host: the --host name, else the host name given to --connect.
        var serverName = host ?? (isAddress ? null : serverHost);
        var timeout = TimeSpan.FromSeconds(seconds);
        var probe = new TlsProbe(timeout, timeout);
        var result = await probe.ProbeAsync(new IPEndPoint(address, serverPort.Value), serverName, parseResult.GetValue(options.StartTls) == "smtp", cancellationToken);
        if (!result.IsEstablished)
        {
            await Console.Error.WriteLineAsync($"tern: {result.Error}");
            return (null, ExitCodes.Failure);
        }

        if (result.PresentedChain.Count == 0)
        {
            await Console.Error.WriteLineAsync($"tern: {result.EndPoint} presented no certificate");
            return (null, ExitCodes.Failure);
        }

        if (usage is CertificateUsage.DaneEe or CertificateUsage.PkixEe)
        {
            return (result.PresentedChain[0], ExitCodes.Success);
        }

        var path = result.IssuerPath;
        if (path.Count < 2)
        {
            await Console.Error.WriteLineAsync(Invariant(
                $"tern: {result.EndPoint} sent only its own certificate, so there is no CA certificate for usage {(int)usage}; build the record from the CA file with --cert"));
            return (null, ExitCodes.Failure);
        }

        return (path[^1], ExitCodes.Success);
    }

    private static bool IsCertificateAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(e => e.CertificateAuthority);

    private static async Task<int> UsageErrorAsync(string message)
    {
        await Console.Error.WriteLineAsync($"tern: {message}");
        return ExitCodes.Usage;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The options of <c>tern tlsa</c>.</summary>
    private sealed class TlsaOptions
    {
        public Option<string?> Certificate { get; } = new("--cert")
        {
            Description = "PEM file whose first certificate is the server certificate. Usages 2 (DANE-TA) and 0 (PKIX-TA) take the last CA certificate in the file",
            HelpName = "FILE",
        };

        public Option<string?> Connect { get; } = new("--connect")
        {
            Description = "Build the record from the chain a live server presents: the server certificate for usages 3 and 1, "
                + "the topmost certificate it sent for usages 2 and 0. Give HOST:PORT, with IPv6 addresses as [ADDRESS]:PORT",
            HelpName = "HOST:PORT",
        };

        public Option<string?> StartTls { get; } = CreateStartTlsOption();

        public Option<int> Usage { get; } = new("--usage")
        {
            Description = "Certificate usage: 3 DANE-EE, 2 DANE-TA, 1 PKIX-EE, 0 PKIX-TA",
            HelpName = "0-3",
            DefaultValueFactory = _ => 3,
        };

        public Option<int> Selector { get; } = new("--selector")
        {
            Description = "Selector: 1 the public key (SubjectPublicKeyInfo), 0 the whole certificate",
            HelpName = "0|1",
            DefaultValueFactory = _ => 1,
        };

        public Option<int> Matching { get; } = new("--matching")
        {
            Description = "Matching type: 1 SHA-256, 2 SHA-512, 0 the selected data itself",
            HelpName = "0-2",
            DefaultValueFactory = _ => 1,
        };

        public Option<int> Port { get; } = new("--port")
        {
            Description = "Port in the owner name _PORT._tcp.HOST",
            HelpName = "N",
            DefaultValueFactory = _ => 25,
        };

        public Option<string?> Host { get; } = new("--host")
        {
            Description = "Host in the owner name; prints a whole zone-file line. With --connect, also the SNI name sent",
            HelpName = "NAME",
        };

        public Option<double> ConnectTimeout { get; } = new("--connect-timeout")
        {
            Description = "Seconds to wait for the connection, each SMTP reply and the TLS handshake",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };

        private static Option<string?> CreateStartTlsOption()
        {
            var option = new Option<string?>("--starttls")
            {
                Description = "Protocol that negotiates TLS after connecting: smtp (EHLO, then STARTTLS). Without it TLS starts at once",
                HelpName = "PROTOCOL",
            };
            option.AcceptOnlyFromAmong("smtp");
            return option;
        }
    }
}
