using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Tern.IntegrationTests.Infrastructure;

/// <summary>
/// A real <c>tern serve</c> process on loopback with its own data directory and free ports,
/// started from the built executable. Disposing it kills the process and deletes the directory.
/// </summary>
internal sealed class TernServer : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private TernServer(string dataDirectory, string address, int mxPort, int submissionPort, int implicitTlsPort)
    {
        DataDirectory = dataDirectory;
        Address = address;
        MxPort = mxPort;
        SubmissionPort = submissionPort;
        ImplicitTlsPort = implicitTlsPort;
    }

    public string DataDirectory { get; }

    public string Address { get; }

    public int MxPort { get; }

    public int SubmissionPort { get; }

    public int ImplicitTlsPort { get; }

    public string ConfigFile => Path.Combine(DataDirectory, "tern.json");

    /// <summary>The certificate the server generated on first start.</summary>
    public string SelfSignedCertificatePath => Path.Combine(DataDirectory, "data", "tls", "self-signed.crt");

    public int? ExitCode => _process is { HasExited: true } ? _process.ExitCode : null;

    /// <summary>Everything the process wrote to standard output and standard error so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Writes a configuration and starts the server; <paramref name="configure"/> may add or change settings.</summary>
    public static async Task<TernServer> StartAsync(Action<Dictionary<string, object?>>? configure = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("tern-it-").FullName;
        var address = "127.0.0.1";
        var server = new TernServer(dataDirectory, address, FreePort(), FreePort(), FreePort());

        var config = new Dictionary<string, object?>
        {
            ["HostName"] = "mx.tern.test",
            ["DataDirectory"] = Path.Combine(dataDirectory, "data"),
            ["Listeners"] = new object[]
            {
                new { Address = address, Port = server.MxPort, Mode = "Mx" },
                new { Address = address, Port = server.SubmissionPort, Mode = "Submission" },
                new { Address = address, Port = server.ImplicitTlsPort, Mode = "ImplicitTls" },
            },
            ["LocalDomains"] = new Dictionary<string, object>
            {
                ["localhost"] = new { CatchAll = true },
                ["users.test"] = new { Users = new[] { "alice", "bob" } },
            },
            ["LogLevel"] = "Debug",
        };
        configure?.Invoke(config);
        await File.WriteAllTextAsync(server.ConfigFile, JsonSerializer.Serialize(config));

        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Starts the process again on the same configuration and data, after a kill.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public string MaildirNew(string domain, string user) => Path.Combine(DataDirectory, "data", "mail", domain, user, "new");

    /// <summary>Waits until the Maildir holds at least <paramref name="count"/> messages, and returns their paths.</summary>
    public async Task<string[]> WaitForMaildirAsync(string domain, string user, int count, TimeSpan? timeout = null)
    {
        var directory = MaildirNew(domain, user);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var files = Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
            if (files.Length >= count || DateTime.UtcNow > deadline)
            {
                return files;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        _ = Kill(process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    /// <summary>Runs another <c>tern</c> command against this server's configuration.</summary>
    public Task<TernCli.Result> RunCliAsync(params string[] arguments) =>
        TernCli.RunAsync([.. arguments, "--config", ConfigFile]);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open in a dying process; the temporary directory is left behind.
        }
    }

    private async Task StartProcessAsync()
    {
        _process?.Dispose();
        _process = TernCli.Start(["serve", "--config", ConfigFile], line =>
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var port in new[] { MxPort, SubmissionPort, ImplicitTlsPort })
        {
            while (!await CanConnectAsync(port))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"tern serve exited with {_process.ExitCode}:\n{Output}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"tern serve did not listen on {Address}:{port} within 30 s:\n{Output}");
                }

                await Task.Delay(50);
            }
        }
    }

    private async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(Address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Ports come from a counter below Linux's ephemeral range (32768-60999), starting at a random
    // point, so that neither another server of this run nor a client's outgoing connection can take
    // a port between the check here and the server's bind.
    private static int _nextPort = 20_000 + Random.Shared.Next(0, 10_000);

    private static int FreePort()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref _nextPort);
            if (port >= 32_000)
            {
                Interlocked.CompareExchange(ref _nextPort, 20_000, port);
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by something else on the machine: take the next one.
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
