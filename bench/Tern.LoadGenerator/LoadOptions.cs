using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tern.LoadGenerator;

/// <summary>The settings of one load run, checked by <see cref="Validate"/> before any connection opens.</summary>
internal sealed record LoadOptions
{
    public const int MaxConnections = 1000;
    public const int MaxMessagesPerConnection = 100_000;
    public const int MinMessageSize = 1024;
    public const int MaxMessageSize = 20_000_000;

    /// <summary>The longest address accepted for --from and --to: RFC 5321 section 4.5.3.1.3 limits a path to 256 octets with its angle brackets.</summary>
    public const int MaxAddressLength = 254;

    public required IPEndPoint Server { get; init; }

    public int Connections { get; init; } = 10;

    public int MessagesPerConnection { get; init; } = 20;

    /// <summary>Size of each message in octets, headers included, before the terminating "." line.</summary>
    public int MessageSize { get; init; } = 10_240;

    public bool StartTls { get; init; }

    public string Sender { get; init; } = "loadgen@localhost";

    public string Recipient { get; init; } = "bench@localhost";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The bound on each step: sending one command or the message data and reading the reply to it.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int TotalMessages => Connections * MessagesPerConnection;

    /// <summary>
    /// Parses an IP address and port such as <c>127.0.0.1:2525</c> or <c>[::1]:2525</c>. Host names are
    /// rejected, so the tool never resolves a name, and so is every address outside 127.0.0.0/8 and ::1,
    /// because the tool is meant for benchmarks on the local machine only.
    /// </summary>
    public static bool TryParseServer(string value, out IPEndPoint? endPoint, out string? error)
    {
        endPoint = null;
        if (!IPEndPoint.TryParse(value, out var parsed))
        {
            error = $"--server: '{value}' is not an IP address and port; host names are not resolved, so use for example 127.0.0.1:2525 or [::1]:2525";
            return false;
        }

        if (parsed.Port == 0)
        {
            error = $"--server: '{value}' has no port; add one, for example 127.0.0.1:2525";
            return false;
        }

        var address = parsed.Address.IsIPv4MappedToIPv6 ? parsed.Address.MapToIPv4() : parsed.Address;
        if (!IPAddress.IsLoopback(address))
        {
            error = $"--server: {address} is not a loopback address; this tool sends load only to 127.0.0.0/8 or ::1, so run the server under test on one of them";
            return false;
        }

        endPoint = new IPEndPoint(address, parsed.Port);
        error = null;
        return true;
    }

    /// <summary>Returns one message per invalid setting, naming the option. An empty list means the options are usable.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        CheckRange(errors, "--connections", Connections, 1, MaxConnections);
        CheckRange(errors, "--messages", MessagesPerConnection, 1, MaxMessagesPerConnection);
        CheckRange(errors, "--size", MessageSize, MinMessageSize, MaxMessageSize);
        CheckAddress(errors, "--from", Sender);
        CheckAddress(errors, "--to", Recipient);

        if (ConnectTimeout <= TimeSpan.Zero || ReplyTimeout <= TimeSpan.Zero)
        {
            errors.Add("--connect-timeout and --reply-timeout: must be at least 1 second");
        }

        if (Server.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            errors.Add($"--server: {Server} is neither IPv4 nor IPv6");
        }

        return errors;
    }

    private static void CheckRange(List<string> errors, string option, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{option}: {value} is out of range; use {min} to {max}"));
        }
    }

    // The address goes into MAIL FROM:<...>, RCPT TO:<...> and the From and To header fields as it is,
    // so anything that would break those lines is rejected. This is no full RFC 5321 mailbox parser:
    // the server under test judges the rest.
    private static void CheckAddress(List<string> errors, string option, string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            errors.Add($"{option}: '{address}' is not a mailbox such as user@example.org");
            return;
        }

        if (address.Length > MaxAddressLength)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{option}: the address is {address.Length} characters long; the maximum is {MaxAddressLength}"));
        }

        if (address.Any(c => c is <= ' ' or >= '\u007f' or '<' or '>'))
        {
            errors.Add($"{option}: '{address}' contains a space, a control character, a non-ASCII character or an angle bracket");
        }
    }
}
