namespace Tern.Dane.Check;

/// <summary>One TLSA record found for a host, and whether the service can use it.</summary>
public sealed record TlsaRecordReport(string Record, bool Usable, string? UnusableReason)
{
    internal static TlsaRecordReport From(TlsaRecord record, DaneService service)
    {
        var reason = record.GetUnusableReason(service);
        return new TlsaRecordReport(record.ToString(), reason is null, reason);
    }
}
