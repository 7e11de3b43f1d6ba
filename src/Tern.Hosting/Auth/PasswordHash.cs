using System.Security.Cryptography;
using System.Text;

namespace Tern.Hosting.Auth;

/// <summary>
/// A stored password: PBKDF2 with HMAC-SHA256 (RFC 8018 section 5.2), its iteration count, a random salt
/// and the derived key, both base64. The count is stored per user so that it can grow for new hashes
/// while old ones still verify.
/// </summary>
public sealed record PasswordHash
{
    /// <summary>The only algorithm name Tern writes and accepts.</summary>
    public const string Pbkdf2Sha256 = "PBKDF2-SHA256";

    /// <summary>
    /// Iterations for new hashes: 600,000, the minimum for PBKDF2-HMAC-SHA256 in the OWASP Password Storage
    /// Cheat Sheet since May 2023.
    /// </summary>
    public const int DefaultIterations = 600_000;

    // A stored count above this is rejected when the file is read, so that one edited entry cannot make
    // each login cost minutes of CPU.
    internal const int MaxIterations = 10_000_000;

    private const int SaltOctets = 16;
    private const int HashOctets = 32;

    public required string Algorithm { get; init; }

    public required int Iterations { get; init; }

    /// <summary>The salt, base64.</summary>
    public required string Salt { get; init; }

    /// <summary>The derived key, base64.</summary>
    public required string Hash { get; init; }

    /// <summary>Hashes <paramref name="password"/> with a new random salt.</summary>
    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltOctets);
        var hash = Derive(password, salt, iterations);
        return new PasswordHash
        {
            Algorithm = Pbkdf2Sha256,
            Iterations = iterations,
            Salt = Convert.ToBase64String(salt),
            Hash = Convert.ToBase64String(hash),
        };
    }

    /// <summary>Returns the reason this entry cannot be used, or null when it can.</summary>
    public string? Validate()
    {
        if (Algorithm != Pbkdf2Sha256)
        {
            return $"algorithm '{Algorithm}' is not {Pbkdf2Sha256}";
        }

        if (Iterations is < 1 or > MaxIterations)
        {
            return $"iteration count {Iterations} is not between 1 and {MaxIterations}";
        }

        if (!IsBase64(Salt, out var salt) || salt.Length == 0)
        {
            return "salt is not base64";
        }

        return IsBase64(Hash, out var hash) && hash.Length == HashOctets ? null : $"hash is not {HashOctets} octets of base64";
    }

    /// <summary>
    /// Derives the key for <paramref name="password"/> and compares it in constant time. Returns false,
    /// after the same work, for an entry that <see cref="Validate"/> rejects.
    /// </summary>
    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var valid = Validate() is null;
        var salt = valid ? Convert.FromBase64String(Salt) : new byte[SaltOctets];
        var expected = valid ? Convert.FromBase64String(Hash) : new byte[HashOctets];
        var actual = Derive(password, salt, valid ? Iterations : DefaultIterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && valid;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, iterations, HashAlgorithmName.SHA256, HashOctets);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static bool IsBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = [];
            return false;
        }

        bytes = buffer[..written];
        return true;
    }
}
