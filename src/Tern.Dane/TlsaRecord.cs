using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tern.Dns;

namespace Tern.Dane;

/// <summary>
/// A TLSA record (RFC 6698 section 2.1). Any field values can be represented: records with unknown
/// values or data of the wrong length are kept but unusable, and matching ignores them
/// (RFC 6698 section 7, RFC 7671 section 4.1).
/// </summary>
public sealed class TlsaRecord : IEquatable<TlsaRecord>
{
    private readonly byte[] _data;
    private readonly Lazy<X509Certificate2?> _certificate;

    public TlsaRecord(CertificateUsage usage, Selector selector, MatchingType matchingType, ReadOnlySpan<byte> certificateAssociationData)
    {
        Usage = usage;
        Selector = selector;
        MatchingType = matchingType;
        _data = certificateAssociationData.ToArray();
        UnusableReason = FindUnusableReason();
        _certificate = new Lazy<X509Certificate2?>(DecodeCertificate);
    }

    public CertificateUsage Usage { get; }

    public Selector Selector { get; }

    public MatchingType MatchingType { get; }

    public ReadOnlyMemory<byte> CertificateAssociationData => _data;

    /// <summary>Why no client can use this record, or null when it is usable for some service.</summary>
    public string? UnusableReason { get; }

    public bool IsUsable => UnusableReason is null;

    /// <summary>
    /// The certificate carried by a record with selector 0 and matching type 0, such as a "2 0 0" trust
    /// anchor that the server need not send. Null for any other record.
    /// </summary>
    internal X509Certificate2? Certificate => _certificate.Value;

    /// <summary>Returns why this record cannot be used for the service, or null when it can.</summary>
    public string? GetUnusableReason(DaneService service)
    {
        if (UnusableReason is not null)
        {
            return UnusableReason;
        }

        // SMTP clients have no WebPKI trust store in common with servers, so RFC 7672 section 3.1.3 drops PKIX usages.
        return service == DaneService.Smtp && Usage is CertificateUsage.PkixTa or CertificateUsage.PkixEe
            ? $"certificate usage {Name(Usage)} does not apply to SMTP (RFC 7672 section 3.1.3)"
            : null;
    }

    public bool IsUsableFor(DaneService service) => GetUnusableReason(service) is null;

    /// <summary>Converts the raw fields received from DNS.</summary>
    public static TlsaRecord FromDns(TlsaResourceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new TlsaRecord(
            (CertificateUsage)record.CertificateUsage, (Selector)record.Selector, (MatchingType)record.MatchingType, record.CertificateAssociationData.Span);
    }

    /// <summary>
    /// Parses the presentation format "3 1 1 ABCD..." (RFC 6698 section 2.2). Fields are numbers or the
    /// names of RFC 7218 (DANE-EE, SPKI, SHA2-256); the hex data may contain spaces and parentheses.
    /// </summary>
    /// <exception cref="FormatException">A field is missing or invalid; the message names it.</exception>
    public static TlsaRecord Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Replace('(', ' ').Replace(')', ' ').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var usage = ParseField(fields, 0, "certificate usage", UsageNames);
        var selector = ParseField(fields, 1, "selector", SelectorNames);
        var matchingType = ParseField(fields, 2, "matching type", MatchingTypeNames);
        if (fields.Length < 4)
        {
            throw new FormatException($"Missing TLSA certificate association data in '{text}': expected hexadecimal after the three numbers.");
        }

        var hex = string.Concat(fields.Skip(3));
        byte[] data;
        try
        {
            data = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new FormatException($"Invalid TLSA certificate association data '{hex}': expected an even number of hexadecimal digits.");
        }

        return new TlsaRecord((CertificateUsage)usage, (Selector)selector, (MatchingType)matchingType, data);
    }

    public static bool TryParse(string text, out TlsaRecord? record)
    {
        try
        {
            record = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            record = null;
            return false;
        }
    }

    /// <summary>Formats the record as "usage selector matching-type HEX", with upper-case hex.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(byte)Usage} {(byte)Selector} {(byte)MatchingType} {Convert.ToHexString(_data)}");

    public bool Equals(TlsaRecord? other) =>
        other is not null && Usage == other.Usage && Selector == other.Selector && MatchingType == other.MatchingType
        && _data.AsSpan().SequenceEqual(other._data);

    public override bool Equals(object? obj) => Equals(obj as TlsaRecord);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Usage);
        hash.Add(Selector);
        hash.Add(MatchingType);
        hash.AddBytes(_data);
        return hash.ToHashCode();
    }

    internal static string Name(CertificateUsage usage) => usage switch
    {
        CertificateUsage.PkixTa => "PKIX-TA(0)",
        CertificateUsage.PkixEe => "PKIX-EE(1)",
        CertificateUsage.DaneTa => "DANE-TA(2)",
        CertificateUsage.DaneEe => "DANE-EE(3)",
        _ => ((byte)usage).ToString(CultureInfo.InvariantCulture),
    };

    private static readonly Dictionary<string, byte> UsageNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PKIX-TA"] = 0, ["PKIX-EE"] = 1, ["DANE-TA"] = 2, ["DANE-EE"] = 3,
    };

    private static readonly Dictionary<string, byte> SelectorNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Cert"] = 0, ["SPKI"] = 1,
    };

    private static readonly Dictionary<string, byte> MatchingTypeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Full"] = 0, ["SHA2-256"] = 1, ["SHA2-512"] = 2,
    };

    private static byte ParseField(string[] fields, int index, string fieldName, Dictionary<string, byte> names)
    {
        if (fields.Length <= index)
        {
            throw new FormatException($"Missing TLSA {fieldName}: expected 'usage selector matching-type hex', such as '3 1 1 AB12...'.");
        }

        var field = fields[index];
        if (byte.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || names.TryGetValue(field, out value))
        {
            return value;
        }

        throw new FormatException(
            $"Invalid TLSA {fieldName} '{field}': expected a number from 0 to 255 or one of {string.Join(", ", names.Keys)}.");
    }

    private string? FindUnusableReason()
    {
        if (!Enum.IsDefined(Usage))
        {
            return $"unknown certificate usage {(byte)Usage}";
        }

        if (!Enum.IsDefined(Selector))
        {
            return $"unknown selector {(byte)Selector}";
        }

        return MatchingType switch
        {
            MatchingType.Sha256 when _data.Length != SHA256.HashSizeInBytes =>
                $"SHA-256 data is {_data.Length} bytes, expected {SHA256.HashSizeInBytes}",
            MatchingType.Sha512 when _data.Length != SHA512.HashSizeInBytes =>
                $"SHA-512 data is {_data.Length} bytes, expected {SHA512.HashSizeInBytes}",
            MatchingType.Full when _data.Length == 0 => "empty certificate association data",
            MatchingType.Full when Selector == Selector.SubjectPublicKeyInfo && !IsSubjectPublicKeyInfo(_data) =>
                "the data is not a DER SubjectPublicKeyInfo",
            MatchingType.Full when Selector == Selector.FullCertificate && DecodeCertificate() is null =>
                "the data is not a DER certificate",
            MatchingType.Sha256 or MatchingType.Sha512 or MatchingType.Full => null,
            _ => $"unknown matching type {(byte)MatchingType}",
        };
    }

    private X509Certificate2? DecodeCertificate()
    {
        if (Selector != Selector.FullCertificate || MatchingType != MatchingType.Full || _data.Length == 0)
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(_data);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool IsSubjectPublicKeyInfo(byte[] data) => ChainCertificate.TryCreateKey(data, out _);
}
