namespace Tern.Dane;

/// <summary>
/// Digest algorithm agility (RFC 7671 section 9): among the records of one usage and selector, only
/// those with the strongest digest present are used, so that a publisher can retire a weak digest by
/// adding a stronger one. Full(0) records are always used.
/// </summary>
internal static class DigestAgility
{
    public static List<TlsaRecord> Select(IEnumerable<TlsaRecord> usableRecords)
    {
        var records = usableRecords.ToList();
        var strongest = records
            .Where(r => r.MatchingType != MatchingType.Full)
            .GroupBy(r => (r.Usage, r.Selector))
            .ToDictionary(g => g.Key, g => g.Max(r => Strength(r.MatchingType)));

        return [.. records.Where(r => r.MatchingType == MatchingType.Full || Strength(r.MatchingType) == strongest[(r.Usage, r.Selector)])];
    }

    // SHA-512 is preferred over SHA-256, the order RFC 7671 section 9 gives for the digests of RFC 6698.
    private static int Strength(MatchingType matchingType) => matchingType switch
    {
        MatchingType.Sha512 => 2,
        MatchingType.Sha256 => 1,
        _ => 0,
    };
}
