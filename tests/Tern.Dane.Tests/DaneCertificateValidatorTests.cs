using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane.Tests;

public sealed class DaneCertificateValidatorTests
{
    [Fact]
    public async Task MatchingRecord_CompletesHandshake()
    {
        var chain = TestChain.Shared;
        using var server = new OpenSslServer(chain.Server, [chain.Intermediate]);
        var record = TlsaGenerator.Create(chain.Intermediate, CertificateUsage.DaneTa, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);
        var validator = new DaneCertificateValidator([record], [TestChain.ServerName]);

        await ConnectAsync(server.Port, validator);

        Assert.NotNull(validator.Result);
        Assert.True(validator.Result.IsVerified, validator.Result.FailureReason);
        Assert.Equal(1, validator.Result.Depth);
    }

    [Fact]
    public async Task OtherRecord_FailsHandshake()
    {
        var chain = TestChain.Shared;
        using var server = new OpenSslServer(chain.Server, [chain.Intermediate]);
        var other = TestCertificates.CreateServer(chain.Intermediate, [TestChain.ServerName]);
        var record = TlsaGenerator.Create(other, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);
        var validator = new DaneCertificateValidator([record], [TestChain.ServerName]);

        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(server.Port, validator));

        Assert.NotNull(validator.Result);
        Assert.False(validator.Result.IsVerified);
        Assert.StartsWith(TlsaVerifier.NoMatchMessage, validator.Result.FailureReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task PresentedChain_IsWhatServerSent(int extraCertificates)
    {
        // The callback must see the certificates from the handshake, no more: a root the server did not send must be absent.
        var chain = TestChain.Shared;
        X509Certificate2[] sent = [chain.Intermediate, chain.Root];
        using var server = new OpenSslServer(chain.Server, sent.Take(extraCertificates));
        List<string>? presented = null;

        // SslStream disposes the certificates after the callback returns, so the thumbprints are read inside it.
        await ConnectAsync(server.Port, (_, certificate, x509Chain, _) =>
        {
            presented = [.. DaneCertificateValidator.GetPresentedChain(certificate!, x509Chain).Select(c => c.Thumbprint)];
            return presented.Count > 0;
        });

        Assert.NotNull(presented);
        Assert.Equal([chain.Server.Thumbprint, .. sent.Take(extraCertificates).Select(c => c.Thumbprint)], presented);
    }

    private static Task ConnectAsync(int port, DaneCertificateValidator validator) => ConnectAsync(port, validator.Validate);

    private static async Task ConnectAsync(int port, RemoteCertificateValidationCallback callback)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        await using var stream = new SslStream(client.GetStream());
        await stream.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = TestChain.ServerName, RemoteCertificateValidationCallback = callback },
            timeout.Token);
    }
}
