using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Tern.Queue;

/// <summary>
/// Identifier of a queued message: a 64-bit value whose upper 44 bits are the creation time in
/// milliseconds since the Unix epoch and whose lower 20 bits are a sequence number.
/// </summary>
/// <remarks>
/// The text form is 13 characters of Crockford base32 (digits and upper-case letters without I, L,
/// O and U). That alphabet is in ASCII order and the width is fixed, so ordinal string order is
/// creation order, and every id is a safe file name.
/// </remarks>
[JsonConverter(typeof(QueueIdJsonConverter))]
public readonly struct QueueId : IEquatable<QueueId>, IComparable<QueueId>
{
    /// <summary>Number of characters in the text form.</summary>
    public const int Length = 13;

    /// <summary>Number of low bits that hold the sequence number.</summary>
    public const int SequenceBits = 20;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public QueueId(ulong value) => Value = value;

    public ulong Value { get; }

    /// <summary>Creation time encoded in the id, to the millisecond.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds((long)(Value >> SequenceBits));

    public static bool operator ==(QueueId left, QueueId right) => left.Value == right.Value;

    public static bool operator !=(QueueId left, QueueId right) => left.Value != right.Value;

    public static bool operator <(QueueId left, QueueId right) => left.Value < right.Value;

    public static bool operator <=(QueueId left, QueueId right) => left.Value <= right.Value;

    public static bool operator >(QueueId left, QueueId right) => left.Value > right.Value;

    public static bool operator >=(QueueId left, QueueId right) => left.Value >= right.Value;

    /// <summary>Parses the 13-character text form; lower-case letters are accepted.</summary>
    /// <exception cref="FormatException">The text is not a valid queue id. The message gives the reason.</exception>
    public static QueueId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out var id, out var error))
        {
            return id;
        }

        throw new FormatException($"Invalid queue id '{text}': {error}");
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out QueueId id) => TryParse(text, out id, out _);

    public bool Equals(QueueId other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is QueueId other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode();

    public int CompareTo(QueueId other) => Value.CompareTo(other.Value);

    public override string ToString()
    {
        return string.Create(Length, Value, static (chars, value) =>
        {
            for (var i = Length - 1; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(value & 0x1F)];
                value >>= 5;
            }
        });
    }

    private static bool TryParse(string? text, out QueueId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (text is null || text.Length != Length)
        {
            error = $"expected {Length} characters of Crockford base32 (0-9 and A-Z without I, L, O, U).";
            return false;
        }

        ulong value = 0;
        for (var i = 0; i < Length; i++)
        {
            var digit = Alphabet.IndexOf(char.ToUpperInvariant(text[i]), StringComparison.Ordinal);
            if (digit < 0)
            {
                error = $"character '{text[i]}' at position {i + 1} is not in the Crockford base32 alphabet (0-9 and A-Z without I, L, O, U).";
                return false;
            }

            // 13 digits carry 65 bits, so the first digit may only use its low 4 bits.
            if (i == 0 && digit > 0xF)
            {
                error = "the value does not fit in 64 bits, so the first character must be 0-9 or A-F.";
                return false;
            }

            value = (value << 5) | (uint)digit;
        }

        id = new QueueId(value);
        error = null;
        return true;
    }
}
