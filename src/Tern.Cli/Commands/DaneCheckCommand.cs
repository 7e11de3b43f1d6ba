using System.CommandLine;
using System.Globalization;
using System.Net;
using Tern.Cli.Commands.Dane;
using Tern.Dane.Check;
using Tern.Dns;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern dane check</c>: resolves a mail domain's MX hosts or one TLS service host through a
/// validating resolver, connects to every address, and reports the DANE verdict of each.
/// Exit codes: 0 when every address passed, 1 when any failed, 2 for invalid arguments.
/// </summary>
internal static class DaneCheckCommand
{
    private const string DefaultResolver = "127.0.0.1:53";

    public static Command Create()
    {
        var options = new CheckOptions();
        var check = new Command(
            "check",
            "Check DANE for a mail domain: the MX hosts, their addresses and TLSA records with their DNSSEC status, and a "
            + "STARTTLS handshake with every address whose certificate chain is matched against the TLSA records. "
            + "With --service https, check one host's TLS service the same way, with TLS from the first byte.")
        {
            options.Target,
            options.Json,
            options.Resolver,
            options.TrustResolver,
            options.Port,
            options.Service,
            options.ConnectTimeout,
            options.ReplyTimeout,
            options.Helo,
        };
        check.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, options, cancellationToken));

        return new Command("dane", "DANE tools: check domains and services against their TLSA records.") { check };
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CheckOptions options, CancellationToken cancellationToken)
    {
        var request = CheckRequest.Parse(parseResult, options, out var error);
        if (request is null)
        {
            await Console.Error.WriteLineAsync($"tern: {error}");
            return ExitCodes.Usage;
        }

        var resolverOptions = new DnsResolverOptions();
        resolverOptions.NameServers.Add(request.Resolver);
        if (request.TrustResolver)
        {
            resolverOptions.TrustedNameServers.Add(request.Resolver.Address);
        }

        var trusted = request.TrustResolver || IPAddress.IsLoopback(request.Resolver.Address);
        if (!trusted)
        {
            await Console.Error.WriteLineAsync(
                $"tern: warning: resolver {request.Resolver} is not on loopback, so its AD bit is ignored, every answer counts as insecure and DANE never applies. "
                + "Pass --trust-resolver only when the path to it is protected.");
        }

        var checker = new DaneChecker(new DnsClientResolver(resolverOptions), request.CheckOptions);
        var report = request.Service == "smtp"
            ? await checker.CheckMailDomainAsync(request.Target, cancellationToken)
            : await checker.CheckServiceAsync(request.Target, request.ServicePort, request.Service, cancellationToken);
        report = report with { Resolver = request.Resolver.ToString(), ResolverTrusted = trusted };

        if (parseResult.GetValue(options.Json))
        {
            Console.WriteLine(DaneReportJson.Serialize(report));
        }
        else
        {
            DaneReportText.Write(Console.Out, report);
        }

        return report.Passed ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The options of <c>tern dane check</c>.</summary>
    private sealed class CheckOptions
    {
        public Argument<string> Target { get; } = new("TARGET")
        {
            Description = "The mail domain, such as example.org; with --service, the host as HOST or HOST:PORT",
        };

        public Option<bool> Json { get; } = new("--json")
        {
            Description = "Print the report as JSON with camelCase field names instead of text",
        };

        public Option<string> Resolver { get; } = new("--resolver")
        {
            Description = "Validating DNS resolver as ADDRESS or ADDRESS:PORT, such as 127.0.0.1:53 or [::1]:53. "
                + "The AD bit of a resolver off loopback is ignored unless --trust-resolver is given",
            HelpName = "ADDR[:PORT]",
            DefaultValueFactory = _ => DefaultResolver,
        };

        public Option<bool> TrustResolver { get; } = new("--trust-resolver")
        {
            Description = "Trust the AD bit of a resolver off loopback; use it only when the path to the resolver is protected (RFC 4035 section 4.9.3)",
        };

        public Option<int?> Port { get; } = new("--port")
        {
            Description = "TCP port to connect to. For a mail domain, TLSA records are still looked up at port 25; "
                + "with --service, it is the service port for both, unless TARGET names a port",
            HelpName = "N",
        };

        public Option<string> Service { get; } = CreateServiceOption();

        public Option<double> ConnectTimeout { get; } = new("--connect-timeout")
        {
            Description = "Seconds to wait for each TCP connection",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };

        public Option<double> ReplyTimeout { get; } = new("--reply-timeout")
        {
            Description = "Seconds to wait for each SMTP reply and for the TLS handshake",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };

        public Option<string?> Helo { get; } = new("--helo")
        {
            Description = "EHLO name to send; by default the address literal of the local end, such as [192.0.2.1]",
            HelpName = "NAME",
        };

        private static Option<string> CreateServiceOption()
        {
            var option = new Option<string>("--service")
            {
                Description = "smtp checks the MX hosts of a mail domain with STARTTLS on port 25; "
                    + "https (port 443) or tls (needs a port) checks one host with TLS from the first byte",
                DefaultValueFactory = _ => "smtp",
            };
            option.AcceptOnlyFromAmong("smtp", "https", "tls");
            return option;
        }
    }

    /// <summary>The checked arguments of one run.</summary>
    private sealed record CheckRequest(string Target, string Service, int ServicePort, IPEndPoint Resolver, bool TrustResolver, DaneCheckOptions CheckOptions)
    {
        public static CheckRequest? Parse(ParseResult parseResult, CheckOptions options, out string error)
        {
            var service = parseResult.GetValue(options.Service) ?? "smtp";
            var targetText = parseResult.GetValue(options.Target) ?? string.Empty;
            var port = parseResult.GetValue(options.Port);
            if (port is { } portValue && !CommandLineValues.IsPort(portValue))
            {
                error = Invariant($"invalid --port {portValue}: expected 1 to 65535");
                return null;
            }

            if (!CommandLineValues.TryParseResolver(parseResult.GetValue(options.Resolver) ?? DefaultResolver, out var resolver, out error))
            {
                return null;
            }

            var checkOptions = new DaneCheckOptions { HeloName = parseResult.GetValue(options.Helo) };
            if (!TryGetSeconds(parseResult.GetValue(options.ConnectTimeout), "--connect-timeout", out var connectTimeout, out error)
                || !TryGetSeconds(parseResult.GetValue(options.ReplyTimeout), "--reply-timeout", out var replyTimeout, out error))
            {
                return null;
            }

            checkOptions.ConnectTimeout = connectTimeout;
            checkOptions.ReplyTimeout = replyTimeout;
            var trust = parseResult.GetValue(options.TrustResolver);

            if (service == "smtp")
            {
                if (!CommandLineValues.TryParseDomain(targetText, out var domain, out error))
                {
                    return null;
                }

                checkOptions.ConnectPort = port;
                return new CheckRequest(domain, service, 25, resolver, trust, checkOptions);
            }

            if (!CommandLineValues.TryParseHostAndPort(targetText, out var host, out var targetPort, out error))
            {
                return null;
            }

            if (IPAddress.TryParse(host, out _))
            {
                error = $"invalid host '{targetText}': --service needs a host name, because TLSA records and certificates name hosts, not addresses";
                return null;
            }

            var servicePort = targetPort ?? port ?? (service == "https" ? 443 : 0);
            if (servicePort == 0)
            {
                error = $"missing port for --service {service}: give it as HOST:PORT or with --port";
                return null;
            }

            return new CheckRequest(host, service, servicePort, resolver, trust, checkOptions);
        }

        private static bool TryGetSeconds(double seconds, string option, out TimeSpan time, out string error)
        {
            time = TimeSpan.Zero;
            error = string.Empty;
            if (double.IsNaN(seconds) || seconds <= 0 || seconds > 3600)
            {
                error = Invariant($"invalid {option} {seconds}: expected a number of seconds above 0 and at most 3600");
                return false;
            }

            time = TimeSpan.FromSeconds(seconds);
            return true;
        }

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
