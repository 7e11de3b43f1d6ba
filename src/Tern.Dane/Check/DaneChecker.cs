using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Dns;

namespace Tern.Dane.Check;

/// <summary>
/// Checks a mail domain or a TLS service the way a DANE client would connect to it. It makes the DNS
/// lookups with their DNSSEC status and the DANE decision per host, then a TLS handshake with every
/// address, whose presented chain it matches against the TLSA records. The result is a report, and
/// only the DANE verification events are logged.
/// </summary>
public sealed partial class DaneChecker
{
    private readonly IDnsResolver _resolver;
    private readonly DaneCheckOptions _options;
    private readonly SmtpDaneResolver _smtpDaneResolver;
    private readonly TlsProbe _probe;
    private readonly ILogger _logger;

    public DaneChecker(IDnsResolver resolver, DaneCheckOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
        _options = options ?? new DaneCheckOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        _smtpDaneResolver = new SmtpDaneResolver(resolver, loggerFactory.CreateLogger<SmtpDaneResolver>());
        _probe = new TlsProbe(_options.ConnectTimeout, _options.ReplyTimeout, _options.HeloName);
        _logger = loggerFactory.CreateLogger<DaneChecker>();
    }

    /// <summary>
    /// Checks every MX host of a mail domain, in preference order, over SMTP with STARTTLS. DNS and
    /// connection failures are part of the report; only cancellation throws.
    /// </summary>
    public async Task<DaneCheckReport> CheckMailDomainAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        var name = DnsName.Normalize(domain);
        var mx = await _resolver.QueryMxAsync(name, cancellationToken);
        var report = new DaneCheckReport
        {
            Domain = name,
            Service = "smtp",
            TlsaPort = SmtpDanePolicy.SmtpPort,
            ConnectPort = _options.ConnectPort ?? SmtpDanePolicy.SmtpPort,
            CheckedAt = _options.TimeProvider.GetUtcNow(),
            MxLookup = LookupReport.From(mx),
            Passed = false,
        };

        if (mx.Outcome == DnsOutcome.Failure)
        {
            // A client must retry later, not fall back to the domain's own address (RFC 5321 section 5.1).
            return report with { Message = $"MX lookup failed ({LookupReport.FailureName(mx.Failure!)}); the domain is unusable, and mail to it would be deferred" };
        }

        if (mx.Outcome == DnsOutcome.NxDomain)
        {
            return report with { Message = $"{name} does not exist (NXDOMAIN), so mail to it would bounce (RFC 5321 section 5.1)" };
        }

        var exchanges = mx.RecordsOf<MxRecord>();
        if (exchanges.Count == 1 && exchanges[0].Exchange.Length == 0)
        {
            return report with { NullMx = true, Passed = true, Message = "null MX: the domain accepts no mail (RFC 7505), so there is nothing to connect to" };
        }

        // No MX records: the domain itself is the MX host, with preference 0 (RFC 5321 section 5.1).
        var implicitMx = mx.Outcome == DnsOutcome.NoData;
        List<(string Host, int Preference)> targets = implicitMx
            ? [(name, 0)]
            : [.. exchanges
                .Where(r => r.Exchange.Length > 0)
                .OrderBy(r => r.Preference)
                .ThenBy(r => r.Exchange, StringComparer.Ordinal)
                .DistinctBy(r => r.Exchange)
                .Select(r => (r.Exchange, (int)r.Preference))];

        // RFC 7672 section 2.2.1 lets a client use DANE with MX hosts from an insecure MX RRset, so each host
        // is judged on its own lookups. The domain name is a certificate name only when the MX RRset is secure,
        // because otherwise an attacker could have chosen the host.
        var nextHopDomain = mx.Status == SecurityStatus.Secure ? name : null;
        var hosts = new List<HostReport>();
        foreach (var (host, preference) in targets)
        {
            var decision = await _smtpDaneResolver.ResolveAsync(host, nextHopDomain, cancellationToken);
            hosts.Add(await CheckHostAsync(PlanSmtpHost(decision, preference), report.ConnectPort, cancellationToken));
        }

        string? message = null;
        if (hosts.Count == 0)
        {
            message = "the MX records name no usable host, so mail to the domain would bounce (RFC 5321 section 5.1)";
        }
        else if (mx.Status != SecurityStatus.Secure)
        {
            message = $"the MX RRset is {mx.Status}, so the domain name is not accepted as a certificate name and each MX host counts on its own DNS records";
        }

        return report with
        {
            ImplicitMx = implicitMx,
            Hosts = hosts,
            Message = message,
            Passed = hosts.Count > 0 && hosts.All(h => h.Passed),
        };
    }

    /// <summary>
    /// Checks an implicit-TLS service such as HTTPS on <paramref name="port"/> of one host, the way a
    /// browser-like client would: SNI and reference identifier are the host name, PKIX-TA and PKIX-EE
    /// records apply together with WebPKI validation, and without DANE the WebPKI must validate the chain.
    /// </summary>
    public async Task<DaneCheckReport> CheckServiceAsync(string host, int port, string service, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);

        var name = DnsName.Normalize(host);
        var connectPort = _options.ConnectPort ?? port;
        var plan = await PlanServiceHostAsync(name, port, cancellationToken);
        var hostReport = await CheckHostAsync(plan, connectPort, cancellationToken);
        return new DaneCheckReport
        {
            Domain = name,
            Service = service,
            TlsaPort = port,
            ConnectPort = connectPort,
            CheckedAt = _options.TimeProvider.GetUtcNow(),
            Hosts = [hostReport],
            Passed = hostReport.Passed,
        };
    }
}
