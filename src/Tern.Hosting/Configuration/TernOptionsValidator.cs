using System.Globalization;
using System.Net;

namespace Tern.Hosting.Configuration;

/// <summary>Checks bound options before start-up, so that a bad value stops Tern with a message naming its key.</summary>
internal static class TernOptionsValidator
{
    public static List<string> Validate(TernOptions options)
    {
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.HostName) || !IsDomainName(options.HostName))
        {
            errors.Add($"HostName: '{options.HostName}' is not a valid host name; set a fully qualified name such as mx.example.org");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("DataDirectory: must not be empty");
        }

        ValidateListeners(options.Listeners, errors);
        ValidateDomains(options.LocalDomains, errors);
        ValidateTls(options.Tls, errors);

        var limits = options.Limits;
        RequirePositive(errors, "Limits:MaxMessageSize", limits.MaxMessageSize);
        RequirePositive(errors, "Limits:MaxRecipients", limits.MaxRecipients);
        RequirePositive(errors, "Limits:MaxConnections", limits.MaxConnections);
        RequirePositive(errors, "Limits:MaxErrors", limits.MaxErrors);
        RequirePositive(errors, "Limits:MaxConnectionsPerClient", limits.MaxConnectionsPerClient);
        if (limits.MaxConnectionsPerClient > limits.MaxConnections)
        {
            errors.Add($"Limits:MaxConnectionsPerClient: {limits.MaxConnectionsPerClient} exceeds Limits:MaxConnections ({limits.MaxConnections})");
        }

        RequirePositive(errors, "Timeouts:CommandSeconds", options.Timeouts.CommandSeconds);
        RequirePositive(errors, "Timeouts:DataSeconds", options.Timeouts.DataSeconds);
        RequirePositive(errors, "Timeouts:ShutdownSeconds", options.Timeouts.ShutdownSeconds);

        ValidateDns(options.Dns, errors);

        for (var i = 0; i < options.Relay.ClientNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.Relay.ClientNetworks[i], out _))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Relay:ClientNetworks:{i}: '{options.Relay.ClientNetworks[i]}' is not a network in CIDR form, such as 192.0.2.0/24 or ::1/128"));
            }
        }

        ValidateAuth(options.Auth, errors);

        var delivery = options.Delivery;
        if (!Enum.IsDefined(delivery.TlsPolicy))
        {
            errors.Add($"Delivery:TlsPolicy: '{delivery.TlsPolicy}' is not one of None, May, Encrypt, Dane, DaneOnly, Verify");
        }

        foreach (var (domain, policy) in delivery.DomainTlsPolicies)
        {
            if (!IsDomainName(domain))
            {
                errors.Add($"Delivery:DomainTlsPolicies:{domain}: '{domain}' is not a valid domain name");
            }

            if (!Enum.IsDefined(policy))
            {
                errors.Add($"Delivery:DomainTlsPolicies:{domain}: '{policy}' is not one of None, May, Encrypt, Dane, DaneOnly, Verify");
            }
        }

        if (delivery.Port is < 1 or > 65535)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Delivery:Port: {delivery.Port} is not a port number (1-65535)"));
        }

        RequirePositive(errors, "Delivery:ConnectTimeoutSeconds", delivery.ConnectTimeoutSeconds);

        var queue = options.Queue;
        RequirePositive(errors, "Queue:PollSeconds", queue.PollSeconds);
        RequirePositive(errors, "Queue:MinimalBackoffSeconds", queue.MinimalBackoffSeconds);
        RequirePositive(errors, "Queue:MaximalBackoffSeconds", queue.MaximalBackoffSeconds);
        RequirePositive(errors, "Queue:MaximalLifetimeHours", queue.MaximalLifetimeHours);
        RequirePositive(errors, "Queue:MaxConcurrentDeliveries", queue.MaxConcurrentDeliveries);
        if (queue.MaximalBackoffSeconds < queue.MinimalBackoffSeconds)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Queue:MaximalBackoffSeconds: {queue.MaximalBackoffSeconds} is less than Queue:MinimalBackoffSeconds ({queue.MinimalBackoffSeconds})"));
        }

        return errors;
    }

    private static void ValidateAuth(AuthOptions auth, List<string> errors)
    {
        if (auth.UsersFile is { Length: 0 })
        {
            errors.Add("Auth:UsersFile: must not be empty; leave it out for users.json in the data directory");
        }

        RequirePositive(errors, "Auth:MaxFailuresPerSession", auth.MaxFailuresPerSession);
        RequirePositive(errors, "Auth:MaxFailuresPerClient", auth.MaxFailuresPerClient);
        RequirePositive(errors, "Auth:FailureWindowMinutes", auth.FailureWindowMinutes);
        if (auth.FailureDelayMilliseconds < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Auth:FailureDelayMilliseconds: {auth.FailureDelayMilliseconds} must not be negative"));
        }

        if (auth.MaxFailureDelayMilliseconds < auth.FailureDelayMilliseconds)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Auth:MaxFailureDelayMilliseconds: {auth.MaxFailureDelayMilliseconds} is less than Auth:FailureDelayMilliseconds ({auth.FailureDelayMilliseconds})"));
        }
    }

    private static void ValidateDns(DnsOptions dns, List<string> errors)
    {
        for (var i = 0; i < dns.Resolvers.Count; i++)
        {
            if (!IPEndPoint.TryParse(dns.Resolvers[i], out _))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Dns:Resolvers:{i}: '{dns.Resolvers[i]}' is not an address or address:port, such as 127.0.0.1 or [::1]:53"));
            }
        }

        for (var i = 0; i < dns.TrustedResolvers.Count; i++)
        {
            if (!IPAddress.TryParse(dns.TrustedResolvers[i], out _))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Dns:TrustedResolvers:{i}: '{dns.TrustedResolvers[i]}' is not an IP address"));
            }
        }

        RequirePositive(errors, "Dns:TimeoutSeconds", dns.TimeoutSeconds);
    }

    private static void ValidateListeners(List<ListenerOptions> listeners, List<string> errors)
    {
        var seen = new HashSet<IPEndPoint>();
        for (var i = 0; i < listeners.Count; i++)
        {
            var listener = listeners[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"Listeners:{i}");

            if (!IPAddress.TryParse(listener.Address, out var address))
            {
                errors.Add($"{key}:Address: '{listener.Address}' is not an IP address; use for example 127.0.0.1, ::1 or 0.0.0.0");
                continue;
            }

            if (listener.Port is < 1 or > 65535)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Port: {listener.Port} is not a port number (1-65535)"));
                continue;
            }

            if (!Enum.IsDefined(listener.Mode))
            {
                errors.Add($"{key}:Mode: '{listener.Mode}' is not one of Mx, Submission, ImplicitTls");
            }

            if (!seen.Add(new IPEndPoint(address, listener.Port)))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {listener.Address}:{listener.Port} is configured twice"));
            }
        }
    }

    private static void ValidateDomains(Dictionary<string, LocalDomainOptions> domains, List<string> errors)
    {
        foreach (var (domain, settings) in domains)
        {
            var key = $"LocalDomains:{domain}";
            if (!IsDomainName(domain))
            {
                errors.Add($"{key}: '{domain}' is not a valid domain name");
            }

            if (settings.CatchAll && settings.Users.Count > 0)
            {
                errors.Add($"{key}: set either Users or CatchAll, not both");
            }

            if (!settings.CatchAll && settings.Users.Count == 0)
            {
                errors.Add($"{key}: lists no Users and is not CatchAll, so it would reject every recipient");
            }

            for (var i = 0; i < settings.Users.Count; i++)
            {
                var user = settings.Users[i];
                var reason = string.IsNullOrEmpty(user) ? "it is empty" : Tern.Delivery.Local.MaildirNames.GetRejectionReason(user);
                if (reason is not null)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Users:{i}: '{user}' cannot be a mailbox: {reason}"));
                }
            }
        }
    }

    private static void ValidateTls(TlsOptions tls, List<string> errors)
    {
        if ((tls.CertificateFile is null) != (tls.KeyFile is null))
        {
            errors.Add("Tls: set both CertificateFile and KeyFile, or neither for a generated self-signed certificate");
            return;
        }

        if (tls.CertificateFile is not null && !File.Exists(tls.CertificateFile))
        {
            errors.Add($"Tls:CertificateFile: '{Path.GetFullPath(tls.CertificateFile)}' not found");
        }

        if (tls.KeyFile is not null && !File.Exists(tls.KeyFile))
        {
            errors.Add($"Tls:KeyFile: '{Path.GetFullPath(tls.KeyFile)}' not found");
        }
    }

    private static void RequirePositive(List<string> errors, string key, long value)
    {
        if (value <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {value} must be greater than zero"));
        }
    }

    /// <summary>Checks LDH labels of 1-63 octets, 253 octets in all (RFC 1035 section 2.3.4, RFC 5321 section 4.1.2).</summary>
    internal static bool IsDomainName(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
