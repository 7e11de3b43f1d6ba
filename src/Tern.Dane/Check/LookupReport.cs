using System.Globalization;
using System.Net;
using Tern.Dns;

namespace Tern.Dane.Check;

/// <summary>One DNS lookup of a check: what was asked, the outcome, the DNSSEC status and the records.</summary>
public sealed record LookupReport
{
    public required string Name { get; init; }

    /// <summary>The record type mnemonic: MX, A, AAAA or TLSA.</summary>
    public required string Type { get; init; }

    public required DnsOutcome Outcome { get; init; }

    public required SecurityStatus Status { get; init; }

    /// <summary>Aliases followed, each with the DNSSEC status of the answer that contained it.</summary>
    public IReadOnlyList<CnameStep> CnameChain { get; init; } = [];

    /// <summary>The records in presentation format, such as "10 mx.example.org." or "3 1 1 9EC7...".</summary>
    public IReadOnlyList<string> Records { get; init; } = [];

    /// <summary>Why the lookup failed, such as "SERVFAIL"; null unless the outcome is Failure.</summary>
    public string? Failure { get; init; }

    /// <summary>Creates the report of one answer.</summary>
    public static LookupReport From(DnsAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new LookupReport
        {
            Name = answer.Name,
            Type = TypeName(answer.Type),
            Outcome = answer.Outcome,
            Status = answer.Status,
            CnameChain = answer.CnameChain,
            Records = [.. answer.Records.Select(Format)],
            Failure = answer.Failure is null ? null : FailureName(answer.Failure),
        };
    }

    /// <summary>Returns the short name of a failure as operators see it in dig output, for example SERVFAIL.</summary>
    public static string FailureName(DnsFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Kind switch
        {
            DnsFailureKind.ServerFailure => "SERVFAIL",
            DnsFailureKind.Refused => "REFUSED",
            DnsFailureKind.Timeout => "timeout",
            DnsFailureKind.Truncated => "truncated response",
            DnsFailureKind.Malformed => "malformed response",
            DnsFailureKind.NetworkError => "network error",
            DnsFailureKind.CnameLoop => "CNAME loop",
            DnsFailureKind.CnameChainTooLong => "CNAME chain too long",
            _ => failure.Message,
        };
    }

    internal static string TypeName(DnsRecordType type) => type switch
    {
        DnsRecordType.Aaaa => "AAAA",
        DnsRecordType.Cname => "CNAME",
        _ => type.ToString().ToUpperInvariant(),
    };

    private static string Format(DnsRecord record) => record switch
    {
        AddressRecord address => address.Address.ToString(),
        MxRecord mx => string.Create(CultureInfo.InvariantCulture, $"{mx.Preference} {mx.Exchange}."),
        CnameRecord cname => cname.Target + ".",
        TlsaResourceRecord tlsa => TlsaRecord.FromDns(tlsa).ToString(),
        _ => record.ToString(),
    };
}
