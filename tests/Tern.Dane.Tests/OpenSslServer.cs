using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tern.Dane.Tests;

/// <summary>
/// Runs "openssl s_server" on 127.0.0.1 with a server certificate and chain written to a temporary
/// folder. Disposing stops the process by its id and deletes the folder.
/// </summary>
internal sealed class OpenSslServer : IDisposable
{
    public const string OpenSslPath = "/usr/bin/openssl";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();

    public OpenSslServer(X509Certificate2 server, IEnumerable<X509Certificate2> chain)
    {
        _folder = Directory.CreateTempSubdirectory("tern-dane-").FullName;
        var certificatePath = Path.Combine(_folder, "server.pem");
        var keyPath = Path.Combine(_folder, "server.key");
        var chainPath = Path.Combine(_folder, "chain.pem");
        File.WriteAllText(certificatePath, server.ExportCertificatePem());
        File.WriteAllText(keyPath, server.GetECDsaPrivateKey()?.ExportPkcs8PrivateKeyPem() ?? server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(chainPath, string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n")));

        Port = FindFreePort();
        var chainArgument = chain.Any() ? $" -cert_chain {chainPath}" : string.Empty;
        var arguments = $"s_server -accept 127.0.0.1:{Port} -cert {certificatePath} -key {keyPath}{chainArgument} -naccept 1";
        _process = Start(arguments);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening();
    }

    public int Port { get; }

    /// <summary>
    /// Runs "openssl s_client" with one TLSA record and returns whether the handshake and DANE
    /// verification succeeded, and the client's output.
    /// </summary>
    public (bool Verified, string Output) RunDaneClient(string domain, TlsaRecord record)
    {
        var arguments = $"s_client -connect 127.0.0.1:{Port} -servername {domain} -dane_tlsa_domain {domain} "
            + $"-dane_tlsa_rrdata \"{record}\" -verify_return_error -brief";
        using var client = Start(arguments);
        client.StandardInput.Close();
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        if (!client.WaitForExit(StartTimeout))
        {
            client.Kill();
            throw new TimeoutException($"openssl s_client did not finish within {StartTimeout.TotalSeconds} s.");
        }

        var output = stdout.Result + stderr.Result;
        return (client.ExitCode == 0 && output.Contains("Verification: OK", StringComparison.Ordinal), output);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(StartTimeout);
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static Process Start(string arguments)
    {
        var startInfo = new ProcessStartInfo(OpenSslPath, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(startInfo) ?? throw new InvalidOperationException($"Failed to start {OpenSslPath} {arguments}.");
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            Monitor.PulseAll(_output);
        }
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        lock (_output)
        {
            while (!_output.ToString().Contains("ACCEPT", StringComparison.Ordinal))
            {
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || _process.HasExited)
                {
                    throw new InvalidOperationException($"openssl s_server did not start on port {Port}: {_output}");
                }

                Monitor.Wait(_output, remaining);
            }
        }
    }
}
