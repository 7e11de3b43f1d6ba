namespace Tern.Dns;

/// <summary>
/// The result of one lookup: the outcome, the DNSSEC status and the records. When the name is an
/// alias, <see cref="CnameChain"/> lists each step and <see cref="Status"/> is the weakest status of
/// the chain and the final answer.
/// </summary>
public sealed class DnsAnswer
{
    public DnsAnswer(
        string name,
        DnsRecordType type,
        DnsOutcome outcome,
        SecurityStatus status,
        IReadOnlyList<DnsRecord>? records = null,
        IReadOnlyList<CnameStep>? cnameChain = null,
        DnsFailure? failure = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (outcome == DnsOutcome.Failure && failure is null)
        {
            throw new ArgumentException("A failed answer needs a failure reason.", nameof(failure));
        }

        if (outcome == DnsOutcome.Failure && !status.IsFailure())
        {
            throw new ArgumentException($"A failed answer has status Bogus or Indeterminate, not {status}.", nameof(status));
        }

        if (outcome != DnsOutcome.Failure && status.IsFailure())
        {
            throw new ArgumentException($"Status {status} needs the outcome Failure, not {outcome}.", nameof(outcome));
        }

        Name = DnsName.Normalize(name);
        Type = type;
        Outcome = outcome;
        Status = status;
        Records = records ?? [];
        CnameChain = cnameChain ?? [];
        Failure = failure;
        if (outcome == DnsOutcome.Records && Records.Count == 0)
        {
            throw new ArgumentException("The outcome Records needs at least one record.", nameof(records));
        }
    }

    /// <summary>The name that was looked up.</summary>
    public string Name { get; }

    public DnsRecordType Type { get; }

    public DnsOutcome Outcome { get; }

    public SecurityStatus Status { get; }

    /// <summary>The records of the requested type at <see cref="CanonicalName"/>; empty unless the outcome is Records.</summary>
    public IReadOnlyList<DnsRecord> Records { get; }

    /// <summary>The aliases followed, in order; empty when the name is not an alias.</summary>
    public IReadOnlyList<CnameStep> CnameChain { get; }

    /// <summary>The name after every alias was followed, or <see cref="Name"/> when there were none.</summary>
    public string CanonicalName => CnameChain.Count == 0 ? Name : CnameChain[^1].Target;

    /// <summary>Why the lookup failed; null unless the outcome is Failure.</summary>
    public DnsFailure? Failure { get; }

    /// <summary>Returns the records of one record class, for example <c>RecordsOf&lt;MxRecord&gt;()</c>.</summary>
    public IReadOnlyList<T> RecordsOf<T>()
        where T : DnsRecord => Records.OfType<T>().ToList();

    public override string ToString() => Outcome switch
    {
        DnsOutcome.Failure => $"{Name} {Type}: failed ({Failure!.Message}), {Status}",
        DnsOutcome.Records => $"{Name} {Type}: {Records.Count} record(s), {Status}",
        _ => $"{Name} {Type}: {Outcome}, {Status}",
    };
}
