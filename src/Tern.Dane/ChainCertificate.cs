using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Security.Certificates;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Tern.Dane;

/// <summary>
/// A certificate of a presented chain, or one from a TLSA record, with the parts that matching and
/// path validation need. BouncyCastle checks signatures, because .NET's X509Chain on Linux accepts
/// only self-signed certificates as custom trust anchors and DANE-TA anchors are often intermediates.
/// </summary>
internal sealed class ChainCertificate
{
    private readonly BcCertificate _parsed;
    private byte[]? _subjectPublicKeyInfo;
    private AsymmetricKeyParameter? _publicKey;

    // Path building and path validation both ask about the same issuer; a signature check costs far
    // more than the lookup, so each key's result is kept (keys compared by reference, as PublicKey is cached).
    private readonly Dictionary<AsymmetricKeyParameter, bool> _signatureChecks = new(ReferenceEqualityComparer.Instance);

    public ChainCertificate(X509Certificate2 certificate)
    {
        Certificate = certificate;
        _parsed = new BcCertificate(certificate.RawData);
    }

    public X509Certificate2 Certificate { get; }

    public string Subject => Certificate.Subject;

    public bool IsSelfIssued => _parsed.IssuerDN.Equivalent(_parsed.SubjectDN);

    public AsymmetricKeyParameter PublicKey => _publicKey ??= _parsed.GetPublicKey();

    /// <summary>The DER SubjectPublicKeyInfo exactly as the certificate encodes it (the input of selector 1).</summary>
    public byte[] SubjectPublicKeyInfo => _subjectPublicKeyInfo ??= _parsed.CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded();

    /// <summary>Returns true when the record's data equals the selected part of this certificate, or its digest.</summary>
    public bool Matches(TlsaRecord record)
    {
        var selected = record.Selector == Selector.FullCertificate ? Certificate.RawData : SubjectPublicKeyInfo;
        var expected = record.CertificateAssociationData.Span;
        return record.MatchingType switch
        {
            MatchingType.Full => expected.SequenceEqual(selected),
            MatchingType.Sha256 => expected.SequenceEqual(SHA256.HashData(selected)),
            MatchingType.Sha512 => expected.SequenceEqual(SHA512.HashData(selected)),
            _ => false,
        };
    }

    public bool IsIssuedBy(ChainCertificate issuer) => _parsed.IssuerDN.Equivalent(issuer._parsed.SubjectDN);

    /// <summary>Returns true when the signature on this certificate verifies with the key.</summary>
    public bool IsSignedBy(AsymmetricKeyParameter issuerKey)
    {
        if (_signatureChecks.TryGetValue(issuerKey, out var known))
        {
            return known;
        }

        bool verified;
        try
        {
            _parsed.Verify(issuerKey);
            verified = true;
        }
        catch (Exception ex) when (ex is GeneralSecurityException or CryptoException or ArgumentException or InvalidOperationException)
        {
            verified = false;
        }

        _signatureChecks[issuerKey] = verified;
        return verified;
    }

    /// <summary>Returns null when the time is within the validity period, else the reason.</summary>
    public string? CheckValidity(DateTimeOffset now)
    {
        var notBefore = _parsed.NotBefore;
        var notAfter = _parsed.NotAfter;
        if (now.UtcDateTime < notBefore)
        {
            return $"certificate '{Subject}' is not valid before {notBefore:u}";
        }

        return now.UtcDateTime > notAfter ? $"certificate '{Subject}' expired at {notAfter:u}" : null;
    }

    /// <summary>
    /// Returns null when this certificate may issue certificates with <paramref name="intermediatesBelow"/>
    /// CA certificates under it (RFC 5280 section 4.2.1.9 and 4.2.1.3), else the reason.
    /// </summary>
    public string? CheckIssuer(int intermediatesBelow)
    {
        var pathLength = _parsed.GetBasicConstraints();
        if (pathLength < 0)
        {
            return $"certificate '{Subject}' is not a CA (basicConstraints cA is not set)";
        }

        if (intermediatesBelow > pathLength)
        {
            return $"certificate '{Subject}' allows {pathLength} intermediate CA certificate(s) below it, the chain has {intermediatesBelow}";
        }

        var keyUsage = _parsed.GetKeyUsage();
        const int KeyCertSign = 5;
        return keyUsage is not null && !keyUsage[KeyCertSign] ? $"certificate '{Subject}' key usage lacks keyCertSign" : null;
    }

    internal static bool TryCreateKey(ReadOnlySpan<byte> subjectPublicKeyInfo, out AsymmetricKeyParameter? key)
    {
        try
        {
            key = PublicKeyFactory.CreateKey(subjectPublicKeyInfo.ToArray());
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or SecurityUtilityException)
        {
            key = null;
            return false;
        }
    }
}
