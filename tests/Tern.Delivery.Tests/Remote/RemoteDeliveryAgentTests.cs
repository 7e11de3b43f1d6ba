using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tern.Delivery.Remote;
using Tern.Dns;
using Tern.Queue;
using Tern.Smtp;

namespace Tern.Delivery.Tests.Remote;

public sealed class RemoteDeliveryAgentTests : IDisposable
{
    private const string Content = "From: alice@example.org\r\nTo: bob@example.net\r\nSubject: hello\r\n\r\nHello, Bob.\r\n";

    private static readonly Lazy<X509Certificate2> DaneCertificate = new(() => CreateCertificate("mx.dane.example"));

    private readonly ListLoggerFactory _logs = new();
    private readonly StaticDnsResolver _dns = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task OneTransactionPerDomain_AllRecipientsSent()
    {
        await using var server = new TestMailServer();
        AddMx("plain.example", "mx.plain.example", SecurityStatus.Insecure, "127.0.0.1");

        var results = await DeliverAsync(server, "bob@plain.example", "carol@plain.example");

        Assert.All(results, r => Assert.Equal(DeliveryStatus.Delivered, r.Status));
        Assert.Equal($"mx.plain.example[127.0.0.1]:{server.Port}", results[0].Relay);
        Assert.Equal("2.0.0", results[0].EnhancedStatusCode);
        Assert.StartsWith("250 2.0.0", results[0].Reply, StringComparison.Ordinal);
        var message = Assert.Single(server.Messages);
        Assert.Equal(["bob@plain.example", "carol@plain.example"], message.Recipients);
        Assert.EndsWith(Content, message.Content, StringComparison.Ordinal);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task RecipientRejected_BouncesOnlyThatRecipient()
    {
        await using var server = new TestMailServer();
        server.RecipientReplies["bob@plain.example"] = new SmtpReply(550, "5.1.1", "User unknown");
        server.RecipientReplies["dave@plain.example"] = new SmtpReply(450, "4.2.1", "Mailbox busy");
        AddMx("plain.example", "mx.plain.example", SecurityStatus.Insecure, "127.0.0.1");

        var results = await DeliverAsync(server, "bob@plain.example", "carol@plain.example", "dave@plain.example");

        Assert.Equal(DeliveryStatus.Bounced, results[0].Status);
        Assert.Equal("5.1.1", results[0].EnhancedStatusCode);
        Assert.Equal("550 5.1.1 User unknown", results[0].Reply);
        Assert.Equal(DeliveryStatus.Delivered, results[1].Status);
        Assert.Equal(DeliveryStatus.Deferred, results[2].Status);
        Assert.Equal("4.2.1", results[2].EnhancedStatusCode);
        Assert.Equal(["carol@plain.example"], Assert.Single(server.Messages).Recipients);
    }

    [Fact]
    public async Task NullMx_BouncesWithoutConnecting()
    {
        await using var server = new TestMailServer();
        _dns.Add(SecurityStatus.Insecure, new MxRecord("nomail.example", 3600, 0, "."));

        var result = Assert.Single(await DeliverAsync(server, "bob@nomail.example"));

        Assert.Equal(DeliveryStatus.Bounced, result.Status);
        Assert.Equal("5.1.10", result.EnhancedStatusCode);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task NxDomain_Bounces()
    {
        await using var server = new TestMailServer();
        _dns.AddNxDomain("missing.example", SecurityStatus.Insecure);

        var result = Assert.Single(await DeliverAsync(server, "bob@missing.example"));

        Assert.Equal(DeliveryStatus.Bounced, result.Status);
        Assert.Equal("5.1.2", result.EnhancedStatusCode);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task ServFail_DefersWithoutConnecting()
    {
        await using var server = new TestMailServer();
        _dns.AddFailure("broken.example", DnsRecordType.Mx, DnsFailureKind.ServerFailure);
        _dns.AddAddresses("broken.example", SecurityStatus.Insecure, "127.0.0.1");

        var result = Assert.Single(await DeliverAsync(server, "bob@broken.example"));

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task MxIsOwnListener_BouncesWithLoop()
    {
        await using var server = new TestMailServer();
        AddMx("loop.example", "mx.loop.example", SecurityStatus.Insecure, "127.0.0.1");

        var result = Assert.Single(await DeliverAsync(server, options => options.LocalEndPoints.Add(new IPEndPoint(IPAddress.Loopback, server.Port)), "bob@loop.example"));

        Assert.Equal(DeliveryStatus.Bounced, result.Status);
        Assert.Equal("5.4.6", result.EnhancedStatusCode);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task AddressLiteral_ConnectsToAddress()
    {
        await using var server = new TestMailServer();

        var result = Assert.Single(await DeliverAsync(server, "bob@[127.0.0.1]"));

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal($"127.0.0.1[127.0.0.1]:{server.Port}", result.Relay);
        Assert.Empty(_dns.Queries);
    }

    [Fact]
    public async Task FirstHostRefuses_NextHostDelivers()
    {
        await using var server = new TestMailServer();
        _dns.Add(SecurityStatus.Insecure,
                new MxRecord("two.example", 3600, 10, "down.two.example"),
                new MxRecord("two.example", 3600, 20, "up.two.example"))
            .AddAddresses("down.two.example", SecurityStatus.Insecure, "127.0.0.2")
            .AddAddresses("up.two.example", SecurityStatus.Insecure, "127.0.0.1");

        var result = Assert.Single(await DeliverAsync(server, "bob@two.example"));

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.StartsWith("up.two.example[127.0.0.1]", result.Relay, StringComparison.Ordinal);
        Assert.Contains(_logs.Messages, m => m.StartsWith($"connect to down.two.example[127.0.0.2]:{server.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DaneAuthenticated_DeliversOverVerifiedTls()
    {
        await using var server = new TestMailServer(DaneCertificate.Value, "mx.dane.example");
        AddMx("dane.example", "mx.dane.example", SecurityStatus.Secure, "127.0.0.1");
        AddTlsa("mx.dane.example", SpkiSha256(DaneCertificate.Value));

        var result = Assert.Single(await DeliverAsync(server, "bob@dane.example"));

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Single(server.Messages);
        Assert.Contains(_logs.Messages, m => m.StartsWith($"Verified TLS connection established to mx.dane.example[127.0.0.1]:{server.Port}: TLSv1.", StringComparison.Ordinal));
        Assert.DoesNotContain("MAIL FROM", server.ReceivedOctets, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DaneMismatch_DefersWithoutMail()
    {
        await using var server = new TestMailServer(DaneCertificate.Value, "mx.dane.example");
        AddMx("dane.example", "mx.dane.example", SecurityStatus.Secure, "127.0.0.1");
        AddTlsa("mx.dane.example", new byte[32]);

        var result = Assert.Single(await DeliverAsync(server, "bob@dane.example"));

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal("4.7.5", result.EnhancedStatusCode);
        Assert.Contains("certificate not verified", result.Reply, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(server.Messages);
        Assert.DoesNotContain("MAIL FROM", server.ReceivedOctets, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StartTlsStripped_DefersWithoutPlaintextMail()
    {
        // The server offers no STARTTLS, as if an attacker removed it from the EHLO reply.
        await using var server = new TestMailServer(certificate: null, "mx.dane.example");
        AddMx("dane.example", "mx.dane.example", SecurityStatus.Secure, "127.0.0.1");
        AddTlsa("mx.dane.example", SpkiSha256(DaneCertificate.Value));

        var result = Assert.Single(await DeliverAsync(server, "bob@dane.example"));

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal("4.7.4", result.EnhancedStatusCode);
        Assert.Equal(1, server.ConnectionCount);
        Assert.Contains("EHLO", server.ReceivedOctets, StringComparison.Ordinal);
        Assert.DoesNotContain("MAIL FROM", server.ReceivedOctets, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnusableTlsa_RequiresTlsWithoutAuthentication()
    {
        // PKIX-EE (usage 1) does not apply to SMTP (RFC 7672 section 3.1.3), so the record is unusable.
        await using var server = new TestMailServer(DaneCertificate.Value, "mx.dane.example");
        AddMx("dane.example", "mx.dane.example", SecurityStatus.Secure, "127.0.0.1");
        _dns.Add(SecurityStatus.Secure, new TlsaResourceRecord(DnsName.TlsaOwner("mx.dane.example", 25), 3600, 1, 1, 1, new byte[32]));

        var result = Assert.Single(await DeliverAsync(server, "bob@dane.example"));

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Contains(_logs.Messages, m => m.StartsWith("Untrusted TLS connection established", StringComparison.Ordinal));
        Assert.DoesNotContain("MAIL FROM", server.ReceivedOctets, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DaneOnly_DeliversWhenAuthenticated()
    {
        await using var server = new TestMailServer(DaneCertificate.Value, "mx.dane.example");
        AddMx("dane.example", "mx.dane.example", SecurityStatus.Secure, "127.0.0.1");
        AddTlsa("mx.dane.example", SpkiSha256(DaneCertificate.Value));

        var result = Assert.Single(await DeliverAsync(server, options => options.DefaultTlsPolicy = TlsPolicy.DaneOnly, "bob@dane.example"));

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
    }

    [Theory]
    [InlineData(TlsPolicy.Encrypt)]
    [InlineData(TlsPolicy.Verify)]
    [InlineData(TlsPolicy.DaneOnly)]
    public async Task TlsRequired_NoMailInPlaintext(TlsPolicy policy)
    {
        await using var server = new TestMailServer();
        AddMx("plain.example", "mx.plain.example", SecurityStatus.Insecure, "127.0.0.1");

        var result = Assert.Single(await DeliverAsync(server, options => options.DomainTlsPolicies["plain.example"] = policy, "bob@plain.example"));

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.StartsWith("4.7.", result.EnhancedStatusCode, StringComparison.Ordinal);
        Assert.DoesNotContain("MAIL FROM", server.ReceivedOctets, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EncryptPolicy_AcceptsAnyCertificate()
    {
        await using var server = new TestMailServer(DaneCertificate.Value, "mx.dane.example");
        AddMx("plain.example", "mx.plain.example", SecurityStatus.Insecure, "127.0.0.1");

        var result = Assert.Single(await DeliverAsync(server, options => options.DomainTlsPolicies["plain.example"] = TlsPolicy.Encrypt, "bob@plain.example"));

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Contains(_logs.Messages, m => m.StartsWith("Untrusted TLS connection established", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyPolicy_RejectsSelfSignedCertificate()
    {
        await using var server = new TestMailServer(DaneCertificate.Value, "mx.dane.example");
        AddMx("dane.example", "mx.dane.example", SecurityStatus.Insecure, "127.0.0.1");

        var result = Assert.Single(await DeliverAsync(server, options => options.DomainTlsPolicies["dane.example"] = TlsPolicy.Verify, "bob@dane.example"));

        Assert.Equal(DeliveryStatus.Deferred, result.Status);
        Assert.Equal("4.7.5", result.EnhancedStatusCode);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task SecondMessage_ReusesIdleConnection()
    {
        await using var server = new TestMailServer(DaneCertificate.Value, "mx.dane.example");
        AddMx("dane.example", "mx.dane.example", SecurityStatus.Secure, "127.0.0.1");
        AddTlsa("mx.dane.example", SpkiSha256(DaneCertificate.Value));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new RemoteDeliveryOptions { HeloName = "tern.test.example", Port = server.Port };
        await using var agent = new RemoteDeliveryAgent(options, _dns, _logs, time);

        var first = await agent.DeliverAsync(Request("bob@dane.example"), CancellationToken.None);
        var second = await agent.DeliverAsync(Request("carol@dane.example"), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(first).Status);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(second).Status);
        Assert.Equal(2, server.Messages.Count);
        Assert.Equal(1, server.ConnectionCount);
        Assert.Single(_logs.Messages, m => m.StartsWith("Verified TLS connection established", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdleTimeoutPassed_OpensNewConnection()
    {
        await using var server = new TestMailServer();
        AddMx("plain.example", "mx.plain.example", SecurityStatus.Insecure, "127.0.0.1");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new RemoteDeliveryOptions { HeloName = "tern.test.example", Port = server.Port };
        await using var agent = new RemoteDeliveryAgent(options, _dns, _logs, time);

        await agent.DeliverAsync(Request("bob@plain.example"), CancellationToken.None);
        time.Advance(options.ConnectionIdleTimeout);
        var second = await agent.DeliverAsync(Request("carol@plain.example"), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(second).Status);
        Assert.Equal(2, server.ConnectionCount);
    }

    private void AddMx(string domain, string host, SecurityStatus status, string address) =>
        _dns.Add(status, new MxRecord(domain, 3600, 10, host)).AddAddresses(host, status, address);

    private void AddTlsa(string host, byte[] digest) =>
        _dns.Add(SecurityStatus.Secure, new TlsaResourceRecord(DnsName.TlsaOwner(host, 25), 3600, 3, 1, 1, digest));

    private Task<IReadOnlyList<DeliveryResult>> DeliverAsync(TestMailServer server, params string[] recipients) =>
        DeliverAsync(server, _ => { }, recipients);

    private async Task<IReadOnlyList<DeliveryResult>> DeliverAsync(TestMailServer server, Action<RemoteDeliveryOptions> configure, params string[] recipients)
    {
        var options = new RemoteDeliveryOptions { HeloName = "tern.test.example", Port = server.Port, ConnectTimeout = TimeSpan.FromSeconds(5) };
        configure(options);
        await using var agent = new RemoteDeliveryAgent(options, _dns, _logs, random: new Random(7));
        return await agent.DeliverAsync(Request(recipients), CancellationToken.None);
    }

    private static DeliveryRequest Request(params string[] recipients)
    {
        var envelope = new QueueEnvelope
        {
            Sender = "alice@example.org",
            Recipients = [.. recipients.Select(r => new QueueRecipient { Address = r })],
            ArrivalTime = DateTimeOffset.UtcNow,
        };
        var entry = QueueEntry.Create(new QueueId(42), envelope);
        return new DeliveryRequest(entry, envelope.Recipients, _ => ValueTask.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes(Content))));
    }

    private static byte[] SpkiSha256(X509Certificate2 certificate) =>
        SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());

    private static X509Certificate2 CreateCertificate(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + host, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
