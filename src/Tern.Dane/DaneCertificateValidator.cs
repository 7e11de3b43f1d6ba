using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Dane;

/// <summary>
/// A <see cref="RemoteCertificateValidationCallback"/> for <see cref="SslStream"/> clients that
/// authenticates the server with TLSA records in place of the WebPKI, and keeps the result for the
/// caller to log. One instance serves one connection.
/// </summary>
public sealed class DaneCertificateValidator
{
    private readonly IReadOnlyList<TlsaRecord> _records;
    private readonly IReadOnlyList<string> _referenceIdentifiers;
    private readonly DaneService _service;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public DaneCertificateValidator(
        IReadOnlyList<TlsaRecord> records,
        IReadOnlyList<string> referenceIdentifiers,
        DaneService service = DaneService.Smtp,
        TimeProvider? timeProvider = null,
        ILogger<DaneCertificateValidator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(referenceIdentifiers);
        _records = records;
        _referenceIdentifiers = referenceIdentifiers;
        _service = service;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The result of the last validation; null until the handshake reached the callback.</summary>
    public DaneVerificationResult? Result { get; private set; }

    /// <summary>
    /// Validates the server chain; pass this method as the callback. The WebPKI policy errors that
    /// .NET reports are ignored, because TLSA records replace that trust (RFC 7671 section 5).
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        var host = _referenceIdentifiers.Count > 0 ? _referenceIdentifiers[0] : "(no name)";
        if (certificate is null || sslPolicyErrors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            Result = DaneVerificationResult.Failed($"{TlsaVerifier.NoMatchMessage}: the server sent no certificate");
            Log.VerificationFailed(_logger, host, Result.FailureReason!);
            return false;
        }

        var presented = GetPresentedChain(certificate, chain);
        Result = TlsaVerifier.Verify(presented, _records, _referenceIdentifiers, _service, _timeProvider.GetUtcNow());
        if (Result.IsVerified)
        {
            Log.Verified(_logger, host, Result);
        }
        else
        {
            Log.VerificationFailed(_logger, host, Result.FailureReason!);
        }

        return Result.IsVerified;
    }

    /// <summary>
    /// Returns the server certificate followed by the other certificates the server sent, in the order
    /// sent. SslStream puts exactly the handshake's certificates into the chain's ExtraStore (a test pins
    /// this for .NET 10 on Linux), so DANE-TA cannot match a root the server did not send. SslStream
    /// disposes the certificates when the callback returns, so use them only inside it.
    /// </summary>
    internal static List<X509Certificate2> GetPresentedChain(X509Certificate certificate, X509Chain? chain)
    {
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var presented = new List<X509Certificate2> { leaf };
        if (chain is not null)
        {
            presented.AddRange(chain.ChainPolicy.ExtraStore.Where(c => !c.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)));
        }

        return presented;
    }
}
