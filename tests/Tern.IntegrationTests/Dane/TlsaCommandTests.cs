using System.Net;
using System.Net.Sockets;
using System.Text;
using Tern.Dane;
using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests.Dane;

/// <summary><c>tern tlsa</c> must produce the TLSA records the lab publishes, from files and from live servers.</summary>
[Collection(LabCollectionDefinition.Name)]
public sealed class TlsaCommandTests(LabFixture lab)
{
    private const string DaneEeOwner = "_25._tcp.mx.dane-ee.example";
    private const string DaneTaOwner = "_25._tcp.mx.dane-ta.example";

    [Fact]
    public async Task TlsaCert_DaneEe_EqualsPublishedRecord()
    {
        var result = await TernCli.RunAsync(["tlsa", "--cert", lab.Server("mx.dane-ee.example").Certificate]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Published(DaneEeOwner), TlsaRecord.Parse(result.StandardOutput.Trim()));
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task TlsaCert_WithHost_PrintsZoneLine()
    {
        var result = await TernCli.RunAsync(["tlsa", "--cert", lab.Server("mx.dane-ee.example").Certificate, "--host", "mx.dane-ee.example", "--port", "25"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{DaneEeOwner}. IN TLSA {Published(DaneEeOwner)}", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task TlsaCert_DaneTaFromChain_TakesLastCaCertificate()
    {
        var result = await TernCli.RunAsync(["tlsa", "--cert", lab.Server("mx.dane-ta.example").Chain, "--usage", "2", "--selector", "0", "--matching", "1"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Published(DaneTaOwner), TlsaRecord.Parse(result.StandardOutput.Trim()));
    }

    [Fact]
    public async Task TlsaConnect_StartTls_EqualsPublishedRecord()
    {
        var server = lab.Server("mx.dane-ee.example");
        var result = await TernCli.RunAsync(["tlsa", "--connect", $"{server.Address}:25", "--starttls", "smtp"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Published(DaneEeOwner), TlsaRecord.Parse(result.StandardOutput.Trim()));
    }

    [Fact]
    public async Task TlsaConnect_DaneTa_TakesTopmostSentCertificate()
    {
        var server = lab.Server("mx.dane-ta.example");
        var result = await TernCli.RunAsync(["tlsa", "--connect", $"{server.Address}:25", "--starttls", "smtp", "--usage", "2", "--selector", "0"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Published(DaneTaOwner), TlsaRecord.Parse(result.StandardOutput.Trim()));
    }

    [Fact]
    public async Task TlsaConnect_Https_EqualsPublishedRecord()
    {
        var server = lab.Server("www.dane-ee.example");
        var result = await TernCli.RunAsync(["tlsa", "--connect", $"{server.Address}:443", "--host", "www.dane-ee.example", "--port", "443"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"_443._tcp.www.dane-ee.example. IN TLSA {Published("_443._tcp.www.dane-ee.example")}", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task TlsaCert_WholeCertificateEe_WarnsOnStandardError()
    {
        var result = await TernCli.RunAsync(["tlsa", "--cert", lab.Server("mx.dane-ee.example").Certificate, "--usage", "3", "--selector", "0", "--matching", "1"]);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("3 0 1 ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("warning", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("3 1 1", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsaCert_MissingFile_ExitsTwoNamingPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tern-missing-{Guid.NewGuid():N}.pem");

        var result = await TernCli.RunAsync(["tlsa", "--cert", path]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("not found", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsaCert_NotPem_ExitsTwoNamingPath()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "not a certificate\n");

            var result = await TernCli.RunAsync(["tlsa", "--cert", path]);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains(path, result.StandardError, StringComparison.Ordinal);
            Assert.Contains("PEM", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--usage", "4")]
    [InlineData("--selector", "2")]
    [InlineData("--matching", "3")]
    public async Task TlsaCert_FieldOutOfRange_ExitsTwoNamingValue(string option, string value)
    {
        var result = await TernCli.RunAsync(["tlsa", "--cert", lab.Server("mx.dane-ee.example").Certificate, option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"invalid {option} {value}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsaConnect_ConnectionRefused_ExitsOne()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await TernCli.RunAsync(["tlsa", "--connect", $"127.0.0.1:{port}", "--starttls", "smtp"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsaConnect_BytesAfterStartTlsReply_Rejected()
    {
        // The 220 reply and a forged reply arrive in one write, before any handshake. RFC 3207 section 4.2 has the
        // client discard what it read before TLS, so the probe must not start TLS over such a connection.
        await using var server = FakeSmtpServer.Start("220 ready\r\n250 2.0.0 forged\r\n");

        var result = await TernCli.RunAsync(["tlsa", "--connect", $"127.0.0.1:{server.Port}", "--starttls", "smtp"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("after its 220 reply to STARTTLS", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsaConnect_SilentServer_TimesOut()
    {
        await using var server = FakeSmtpServer.Start(startTlsReply: null, greet: false);

        var result = await TernCli.RunAsync(["tlsa", "--connect", $"127.0.0.1:{server.Port}", "--starttls", "smtp", "--connect-timeout", "1"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no reply to the greeting within 1 s", result.StandardError, StringComparison.Ordinal);
    }

    private TlsaRecord Published(string owner) => TlsaRecord.Parse(Assert.Single(lab.ExpectedAnswer(owner, "TLSA")));

    /// <summary>An SMTP server on loopback that greets, offers STARTTLS and replies to it with fixed text, for one client.</summary>
    private sealed class FakeSmtpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _session;
        private readonly CancellationTokenSource _stop = new();

        private FakeSmtpServer(string? startTlsReply, bool greet)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _session = ServeAsync(startTlsReply, greet, _stop.Token);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static FakeSmtpServer Start(string? startTlsReply, bool greet = true) => new(startTlsReply, greet);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _session;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // The client closed the connection or the test ended first.
            }

            _stop.Dispose();
        }

        private async Task ServeAsync(string? startTlsReply, bool greet, CancellationToken cancellationToken)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            if (!greet)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            await WriteAsync(stream, "220 fake.example ESMTP\r\n", cancellationToken);
            await reader.ReadLineAsync(cancellationToken);
            await WriteAsync(stream, "250-fake.example\r\n250 STARTTLS\r\n", cancellationToken);
            await reader.ReadLineAsync(cancellationToken);
            await WriteAsync(stream, startTlsReply!, cancellationToken);
            await reader.ReadLineAsync(cancellationToken);
        }

        private static async Task WriteAsync(NetworkStream stream, string text, CancellationToken cancellationToken) =>
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
    }
}
