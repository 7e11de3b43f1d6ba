using System.Text.Json;
using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests;

/// <summary>Start-up, configuration errors, shutdown and the queue commands of the <c>tern</c> executable.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Sigterm_WithOpenSession_ExitsZero()
    {
        await using var server = await TernServer.StartAsync();
        await using var wire = await SmtpWire.ConnectAsync(server.Address, server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");

        var stopping = server.StopAsync(TimeSpan.FromSeconds(20));
        var reply = await wire.ReadReplyAsync();

        Assert.StartsWith("421 4.3.2", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await stopping);
    }

    [Theory]
    [InlineData("{\"Listeners\":[{\"Address\":\"127.0.0.1\",\"Port\":70000}]}", "Listeners:0:Port")]
    [InlineData("{\"Listeners\":[{\"Address\":\"not-an-ip\",\"Port\":2525}]}", "Listeners:0:Address")]
    [InlineData("{\"Listeners\":[{\"Address\":\"127.0.0.1\",\"Port\":2525,\"Mode\":\"Relay\"}]}", "Listeners:0:Mode")]
    [InlineData("{\"Limits\":{\"MaxRecipients\":0}}", "Limits:MaxRecipients")]
    [InlineData("{\"Limitz\":{}}", "Limitz")]
    [InlineData("{\"LocalDomains\":{\"bad domain\":{\"CatchAll\":true}}}", "LocalDomains:bad domain")]
    [InlineData("{\"Tls\":{\"CertificateFile\":\"/nonexistent.pem\"}}", "Tls")]
    public async Task Serve_BadConfiguration_NamesKeyAndExits(string json, string key)
    {
        var directory = Directory.CreateTempSubdirectory("tern-config-").FullName;
        try
        {
            var file = Path.Combine(directory, "tern.json");
            await File.WriteAllTextAsync(file, json);

            var result = await TernCli.RunAsync(["serve", "--config", file], workingDirectory: directory);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(key, result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Send_StartTlsRequired_DeliversAndReportsTls()
    {
        await using var server = await TernServer.StartAsync();

        var result = await TernCli.RunAsync(["send", "--server", $"{server.Address}:{server.MxPort}", "--from", "a@example.net", "--to", "alice@localhost", "--to", "x@example.org", "--starttls", "required"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("TLS connection established", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("TLSv1.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("alice@localhost: 250 2.0.0 Ok: queued as", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("x@example.org: 550 5.7.1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Single(await server.WaitForMaildirAsync("localhost", "alice", 1));
    }

    [Fact]
    public async Task Serve_PortInUse_FailsToStart()
    {
        await using var server = await TernServer.StartAsync();

        var second = await TernCli.RunAsync(["serve", "--config", server.ConfigFile, "--DataDirectory=" + Path.Combine(server.DataDirectory, "second")]);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("Address already in use", second.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--frobnicate")]
    [InlineData("stray")]
    public async Task Serve_UnknownArgument_ExitsTwo(string argument)
    {
        var result = await TernCli.RunAsync(["serve", argument]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(argument, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_EmptyListenerList_IsAnError()
    {
        var directory = Directory.CreateTempSubdirectory("tern-config-").FullName;
        try
        {
            var file = Path.Combine(directory, "tern.json");
            await File.WriteAllTextAsync(file, "{\"Listeners\": []}");

            var result = await TernCli.RunAsync(["serve", "--config", file], workingDirectory: directory);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("Listeners: the list is empty", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_CommandLineOverride_TakesPrecedence()
    {
        var directory = Directory.CreateTempSubdirectory("tern-config-").FullName;
        try
        {
            var result = await TernCli.RunAsync(["serve", "--Limits:MaxRecipients=-5"], workingDirectory: directory);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Limits:MaxRecipients: -5", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task QueueList_Json_ListsHeldMessage()
    {
        await using var server = await TernServer.StartAsync();

        // A message to a recipient outside the local domains cannot exist yet without relaying, so
        // inspect the queue while it is empty, then after local mail was delivered.
        var empty = await server.RunCliAsync("queue", "list", "--json");
        Assert.Equal(0, empty.ExitCode);
        using var document = JsonDocument.Parse(empty.StandardOutput);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);

        var missing = await server.RunCliAsync("queue", "show", "0000000000000");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("0000000000000", missing.StandardError, StringComparison.Ordinal);
    }
}
