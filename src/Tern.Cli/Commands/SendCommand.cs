using System.CommandLine;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using MimeKit;
using Tern.Smtp;
using Tern.Smtp.Client;

namespace Tern.Cli.Commands;

/// <summary><c>tern send</c>: a small SMTP client for operators, to test a server or push one message.</summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "SMTP server as HOST or HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:25" };
        var from = new Option<string>("--from") { Description = "Envelope sender and From address; '<>' sends with the null sender", Required = true };
        var to = new Option<string[]>("--to") { Description = "Recipient address; repeat for several", Required = true, AllowMultipleArgumentsPerToken = true };
        var subject = new Option<string>("--subject") { Description = "Subject of the generated message", DefaultValueFactory = _ => "Test message from tern send" };
        var body = new Option<string?>("--body") { Description = "Text of the generated message" };
        var file = new Option<FileInfo?>("--file") { Description = "Send this RFC 5322 message file as it is instead of generating one" };
        var startTls = new Option<string>("--starttls") { Description = "required: fail unless STARTTLS succeeds; auto: use it when offered; none: never", DefaultValueFactory = _ => "auto" };
        startTls.AcceptOnlyFromAmong("required", "auto", "none");
        var implicitTls = new Option<bool>("--implicit-tls") { Description = "Start TLS on connect (RFC 8314, usually port 465)" };
        var verify = new Option<bool>("--verify") { Description = "Require a certificate that the system's CAs trust for the server name; without it any certificate is accepted" };
        var helo = new Option<string?>("--helo") { Description = "Name to send in EHLO; defaults to this machine's host name" };

        var command = new Command("send", "Send one message over SMTP and print the server's replies.")
        {
            server, from, to, subject, body, file, startTls, implicitTls, verify, helo,
        };
        command.SetAction((parseResult, cancellationToken) => SendAsync(
            new Request(
                parseResult.GetValue(server)!,
                parseResult.GetValue(from)!,
                parseResult.GetValue(to)!,
                parseResult.GetValue(subject)!,
                parseResult.GetValue(body),
                parseResult.GetValue(file),
                parseResult.GetValue(startTls)!,
                parseResult.GetValue(implicitTls),
                parseResult.GetValue(verify),
                parseResult.GetValue(helo) ?? System.Net.Dns.GetHostName()),
            cancellationToken));
        return command;
    }

    private static async Task<int> SendAsync(Request request, CancellationToken cancellationToken)
    {
        if (!TryParseServer(request.Server, out var host, out var port))
        {
            await Console.Error.WriteLineAsync($"tern: --server '{request.Server}' is not HOST or HOST:PORT");
            return ExitCodes.Usage;
        }

        var sender = request.From == "<>" ? string.Empty : request.From;
        foreach (var address in request.To.Append(sender).Where(address => address.Length > 0))
        {
            if (!Mailbox.TryParse(address, out _))
            {
                await Console.Error.WriteLineAsync($"tern: '{address}' is not a valid mailbox (local-part@domain)");
                return ExitCodes.Usage;
            }
        }

        byte[] content;
        try
        {
            content = request.File is { } path ? await File.ReadAllBytesAsync(path.FullName, cancellationToken) : BuildMessage(request);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"tern: cannot read --file: {ex.Message}");
            return ExitCodes.Usage;
        }

        try
        {
            return await DeliverAsync(request, host, port, sender, content, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or AuthenticationException or SmtpClientException)
        {
            await Console.Error.WriteLineAsync($"tern: sending to {host}:{port} failed: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> DeliverAsync(Request request, string host, int port, string sender, byte[] content, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            await tcp.ConnectAsync(host, port, connectTimeout.Token);
        }

        Stream stream = tcp.GetStream();
        var tlsOptions = TlsOptions(host, request.Verify);
        if (request.ImplicitTls)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(tlsOptions, cancellationToken);
            stream = ssl;
        }

        var options = new SmtpClientOptions { HeloName = request.Helo, GreetingTimeout = TimeSpan.FromSeconds(60) };
        await using var session = await SmtpClientSession.ConnectAsync(stream, options, cancellationToken);
        Console.WriteLine($"<- {Format(session.Greeting)}");

        if (!session.IsTls && request.StartTls != "none")
        {
            if (session.Capabilities.StartTls)
            {
                await session.StartTlsAsync(tlsOptions, cancellationToken);
            }
            else if (request.StartTls == "required")
            {
                // The envelope is never sent in the clear when TLS was required.
                await Console.Error.WriteLineAsync($"tern: {host}:{port} does not offer STARTTLS; nothing was sent");
                await session.QuitAsync(cancellationToken);
                return ExitCodes.Failure;
            }
        }

        if (session.TlsStream is { } tls)
        {
            var trust = request.Verify ? "Trusted" : "Untrusted";
            Console.WriteLine($"{trust} TLS connection established to {host}:{port}: {TlsProtocolName.Format(tls.SslProtocol)} with cipher {tls.NegotiatedCipherSuite}");
        }

        var envelope = new SmtpClientEnvelope(sender, [.. request.To.Select(address => new SmtpClientRecipient(address))])
        {
            EightBitMime = content.Any(octet => octet >= 0x80),
            SmtpUtf8 = request.To.Append(sender).Any(address => !Ascii.IsValid(address)),
            Size = content.Length,
        };

        using var contentStream = new MemoryStream(content, writable: false);
        var result = await session.SendAsync(envelope, contentStream, cancellationToken);
        await session.QuitAsync(cancellationToken);

        var accepted = 0;
        for (var i = 0; i < request.To.Length; i++)
        {
            var outcome = result.GetOutcome(i);
            Console.WriteLine($"{request.To[i]}: {Format(outcome)}");
            if (outcome.Code is >= 200 and < 300)
            {
                accepted++;
            }
        }

        return accepted == request.To.Length ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string Format(SmtpReply reply) =>
        $"{reply.Code} {(reply.EnhancedStatusCode is null ? string.Empty : reply.EnhancedStatusCode + " ")}{string.Join(" / ", reply.Lines)}";

    private static SslClientAuthenticationOptions TlsOptions(string host, bool verify) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,

        // Without --verify this is an operator's test tool talking to servers with self-signed
        // certificates, as opportunistic SMTP TLS does; the output then says "Untrusted".
        RemoteCertificateValidationCallback = verify ? null : (_, certificate, _, _) => certificate is not null,
    };

    private static byte[] BuildMessage(Request request)
    {
        var message = new MimeMessage();
        message.From.Add(request.From == "<>" ? new MailboxAddress("Mail Delivery System", "mailer-daemon@" + request.Helo) : MailboxAddress.Parse(request.From));
        foreach (var recipient in request.To)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = request.Subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(request.Helo);
        message.Body = new TextPart("plain") { Text = request.Body ?? "This is a test message sent by tern send.\n" };

        using var output = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(format, output);
        return output.ToArray();
    }

    private static bool TryParseServer(string text, out string host, out int port)
    {
        port = 25;
        host = text;
        var colon = text.LastIndexOf(':');
        if (colon > 0 && !text.EndsWith(']') && text.IndexOf(':') == colon)
        {
            host = text[..colon];
            if (!int.TryParse(text.AsSpan(colon + 1), out port) || port is < 1 or > 65535)
            {
                return false;
            }
        }

        host = host.Trim('[', ']');
        return host.Length > 0;
    }

    private sealed record Request(string Server, string From, string[] To, string Subject, string? Body, FileInfo? File, string StartTls, bool ImplicitTls, bool Verify, string Helo);
}
