using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Tern.IntegrationTests.Submission;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// A user logs in on the submission ports and sends to a remote lab domain, which Tern then delivers
/// over DANE-authenticated TLS: the submission path and the delivery path end to end.
/// </summary>
[Collection(DeliveryLabCollectionDefinition.Name)]
public sealed class AuthenticatedSubmissionTests(DeliveryLabFixture lab)
{
    [Theory]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task Authenticated_RemoteRecipient_DeliveredWithVerifiedTls(SecureSocketOptions security)
    {
        // No relay networks: only the login lets this message leave for a remote domain.
        await using var server = await SubmissionServer.StartWithUserAsync(config =>
            config["Dns"] = new { Resolvers = new[] { lab.Lab.Resolver } });
        var messageId = LabTern.NewMessageId("submission");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@users.test"));
        message.To.Add(MailboxAddress.Parse("someone@dane-ee.example"));
        message.Subject = "authenticated submission";
        message.MessageId = messageId;
        message.Body = new TextPart("plain") { Text = "sent by an authenticated user\n" };

        using var client = await SubmissionServer.CreateClientAsync(server);
        var port = security == SecureSocketOptions.StartTls ? server.SubmissionPort : server.ImplicitTlsPort;
        await client.ConnectAsync(server.Address, port, security);
        await client.AuthenticateAsync(SubmissionServer.UserName, SubmissionServer.Password);
        var response = await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
        var queueId = response[(response.LastIndexOf(' ') + 1)..];

        // Tern logs its result after the MX's reply, so wait for that line, not only for the MX's log.
        var result = await LabTern.WaitForResultAsync(server, queueId, TimeSpan.FromSeconds(30));
        var received = await lab.ReceiverLog.WaitForFinalResultAsync(messageId, TimeSpan.FromSeconds(30));

        Assert.Equal("sent", result.Status);
        Assert.Equal("someone@dane-ee.example", result.Recipient);
        Assert.Equal("sent", received.FinalStatus);
        Assert.Contains("Verified", LabTern.TlsTrustLevels(server, result.Relay));
    }
}
