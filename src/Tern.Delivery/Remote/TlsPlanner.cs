using Tern.Dane;

namespace Tern.Delivery.Remote;

/// <summary>Turns a destination's <see cref="TlsPolicy"/> into a <see cref="TlsPlan"/> for each MX host, asking DANE where the policy uses it.</summary>
internal sealed class TlsPlanner
{
    private readonly SmtpDaneResolver _daneResolver;

    public TlsPlanner(SmtpDaneResolver daneResolver) => _daneResolver = daneResolver;

    /// <summary>Plans the connections to <paramref name="target"/>; only cancellation throws.</summary>
    /// <param name="policy">The destination's policy.</param>
    /// <param name="target">The MX host or address literal.</param>
    /// <param name="nextHopDomain">The recipient domain when its MX answer was DNSSEC-validated, else null.</param>
    /// <param name="cancellationToken">Cancels the TLSA lookups.</param>
    public async Task<TlsPlan> PlanAsync(TlsPolicy policy, DeliveryTarget target, string? nextHopDomain, CancellationToken cancellationToken)
    {
        var host = target.HostName;
        switch (policy)
        {
            case TlsPolicy.None:
                return new TlsPlan(TlsMode.Plaintext, host);
            case TlsPolicy.May:
                return new TlsPlan(TlsMode.Opportunistic, host);
            case TlsPolicy.Encrypt:
                return new TlsPlan(TlsMode.Required, host);
            case TlsPolicy.Verify:
                return new TlsPlan(TlsMode.WebPkiVerified, host);
        }

        if (target.IsAddressLiteral)
        {
            // An address literal has no DNS name, so it has no TLSA records: Dane falls back to
            // opportunistic TLS and DaneOnly cannot deliver.
            return policy == TlsPolicy.DaneOnly
                ? TlsPlan.Skip(host, $"TLS policy {policy} cannot authenticate the address literal {host}, which has no TLSA records")
                : new TlsPlan(TlsMode.Opportunistic, host);
        }

        // RFC 7672 section 2.2.1 allows DANE for MX hosts from an insecure MX RRset, so every host is
        // checked. Only the accepted certificate names depend on a secure MX RRset (section 3.2.3).
        var decision = await _daneResolver.ResolveAsync(host, nextHopDomain, cancellationToken);
        return decision.Requirement switch
        {
            DaneSmtpRequirement.AuthenticatedTls => new TlsPlan(TlsMode.DaneAuthenticated, decision.ServerName ?? host, decision),

            DaneSmtpRequirement.UnauthenticatedTls when policy == TlsPolicy.DaneOnly =>
                TlsPlan.Skip(host, $"TLS policy {policy} requires DANE authentication, but {decision.Reason}"),
            DaneSmtpRequirement.UnauthenticatedTls => new TlsPlan(TlsMode.Required, decision.ServerName ?? host),

            DaneSmtpRequirement.OpportunisticTls when policy == TlsPolicy.DaneOnly =>
                TlsPlan.Skip(host, $"TLS policy {policy} requires DANE authentication, but {decision.Reason}"),
            DaneSmtpRequirement.OpportunisticTls => new TlsPlan(TlsMode.Opportunistic, host),

            // RFC 7672 section 2.1.1: a failed TLSA lookup must not lead to plaintext, so the host waits.
            _ => TlsPlan.Skip(host, $"TLSA lookup error for {host}: {decision.Reason}"),
        };
    }
}
