using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit.Net.Smtp;
using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests.Submission;

/// <summary>A <c>tern serve</c> with one user created through <c>tern user add</c>, and helpers to log in as that user.</summary>
internal static class SubmissionServer
{
    public const string UserName = "alice@localhost";
    public const string Password = "Tr0ub4dor&3 staple";

    /// <summary>Starts a server and adds the user with the password on standard input, as a script would.</summary>
    public static async Task<TernServer> StartWithUserAsync(Action<Dictionary<string, object?>>? configure = null)
    {
        var server = await TernServer.StartAsync(configure);
        var result = await TernCli.RunAsync(["user", "add", UserName, "--sender", "@users.test", "--config", server.ConfigFile], standardInput: Password + "\n");
        Assert.True(result.ExitCode == 0, result.ToString());
        return server;
    }

    /// <summary>Returns a MailKit client that trusts only the server's self-signed certificate.</summary>
    public static async Task<SmtpClient> CreateClientAsync(TernServer server)
    {
        var selfSigned = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(server.SelfSignedCertificatePath));
        return new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == selfSigned.GetCertHashString(),
        };
    }

    /// <summary>Connects to the submission port, runs STARTTLS and EHLO, and returns the wire.</summary>
    public static async Task<SmtpWire> ConnectWithTlsAsync(TernServer server)
    {
        var wire = await SmtpWire.ConnectAsync(server.Address, server.SubmissionPort);
        Assert.Equal(220, (await wire.ReadReplyAsync()).Code);
        Assert.Equal(250, (await wire.CommandAsync("EHLO client.example.org")).Code);
        Assert.Equal(220, (await wire.CommandAsync("STARTTLS")).Code);
        await wire.HandshakeAsync();
        Assert.Equal(250, (await wire.CommandAsync("EHLO client.example.org")).Code);
        return wire;
    }

    public static string Plain(string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + user + "\0" + password));

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
