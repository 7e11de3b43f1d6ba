namespace Tern.Dane;

/// <summary>TLSA matching type field (RFC 6698 section 2.1.3): the selected data itself or its digest.</summary>
public enum MatchingType : byte
{
    Full = 0,
    Sha256 = 1,
    Sha512 = 2,
}
