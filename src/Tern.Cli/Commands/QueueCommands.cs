using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tern.Hosting;
using Tern.Queue;

namespace Tern.Cli.Commands;

/// <summary><c>tern queue</c>: list, show, delete, hold, release and flush messages of a running or stopped server.</summary>
internal static class QueueCommands
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create()
    {
        var queue = new Command("queue", "List, show, hold, release, delete and flush queued messages.");

        var listConfig = ConfigOption.Create();
        var json = new Option<bool>("--json") { Description = "Print the queue as a JSON array" };
        var list = new Command("list", "List queued messages with their recipients' states.") { listConfig, json };
        list.SetAction((parseResult, cancellationToken) => ListAsync(parseResult, listConfig, json, cancellationToken));
        queue.Add(list);

        var showConfig = ConfigOption.Create();
        var idArgument = new Argument<string>("ID") { Description = "Queue id, as in '250 2.0.0 Ok: queued as ID'" };
        var showJson = new Option<bool>("--json") { Description = "Print the entry as JSON" };
        var show = new Command("show", "Show one queued message: envelope and per-recipient state.") { showConfig, idArgument, showJson };
        show.SetAction((parseResult, cancellationToken) => ShowAsync(parseResult, showConfig, idArgument, showJson, cancellationToken));
        queue.Add(show);

        queue.Add(CreateChangeCommand("delete", "Delete a message from the queue without delivering it or bouncing it.", DeleteAsync));
        queue.Add(CreateChangeCommand("hold", "Hold a message: the queue runner leaves it alone until it is released.", HoldAsync));
        queue.Add(CreateChangeCommand("release", "Release a held message and make its unfinished recipients due now.", ReleaseAsync));

        var flushConfig = ConfigOption.Create();
        var flush = new Command("flush", "Make every deferred recipient due now and wake the queue runner of the running server.") { flushConfig };
        flush.SetAction((parseResult, cancellationToken) => FlushAsync(parseResult, flushConfig, cancellationToken));
        queue.Add(flush);

        return queue;
    }

    private static Command CreateChangeCommand(string name, string description, Func<FileQueueStore, QueueEntry, CancellationToken, Task<string>> change)
    {
        var config = ConfigOption.Create();
        var idArgument = new Argument<string>("ID") { Description = "Queue id, as shown by 'tern queue list'" };
        var command = new Command(name, description) { config, idArgument };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = ConfigOption.Load(parseResult, config);
            if (options is null)
            {
                return ExitCodes.Usage;
            }

            var text = parseResult.GetValue(idArgument)!;
            if (!QueueId.TryParse(text, out var id))
            {
                await Console.Error.WriteLineAsync($"tern: '{text}' is not a queue id; copy one from 'tern queue list'");
                return ExitCodes.Usage;
            }

            var dataDirectory = Path.GetFullPath(options.DataDirectory);
            using var store = FileQueueStore.OpenShared(dataDirectory);
            var entry = await store.GetAsync(id, cancellationToken);
            if (entry is null)
            {
                await Console.Error.WriteLineAsync($"tern: queue id {text} not found (delivered, deleted or never queued)");
                return ExitCodes.Failure;
            }

            Console.WriteLine(await change(store, entry, cancellationToken));
            QueueFlushSignal.Send(dataDirectory);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<string> DeleteAsync(FileQueueStore store, QueueEntry entry, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(entry.Id, cancellationToken);
        return deleted ? $"{entry.Id}: deleted" : $"{entry.Id}: already gone";
    }

    private static async Task<string> HoldAsync(FileQueueStore store, QueueEntry entry, CancellationToken cancellationToken)
    {
        await store.UpdateAsync(entry with { Held = true }, cancellationToken);
        return $"{entry.Id}: held";
    }

    private static async Task<string> ReleaseAsync(FileQueueStore store, QueueEntry entry, CancellationToken cancellationToken)
    {
        await store.UpdateAsync(MakeDue(entry) with { Held = false }, cancellationToken);
        return $"{entry.Id}: released";
    }

    private static async Task<int> FlushAsync(ParseResult parseResult, Option<FileInfo?> config, CancellationToken cancellationToken)
    {
        var options = ConfigOption.Load(parseResult, config);
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        using var store = FileQueueStore.OpenShared(dataDirectory);
        var count = 0;
        await foreach (var entry in store.ListAsync(cancellationToken))
        {
            if (entry.Held || !entry.Recipients.Any(recipient => recipient.State == RecipientState.Deferred))
            {
                continue;
            }

            try
            {
                await store.UpdateAsync(MakeDue(entry), cancellationToken);
                count++;
            }
            catch (KeyNotFoundException)
            {
                // Delivered while we looked: nothing to flush.
            }
        }

        QueueFlushSignal.Send(dataDirectory);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} deferred messages made due; queue runner notified"));
        return ExitCodes.Success;
    }

    // NOTE: the running server may record a delivery result for the same entry at the same moment.
    // The later write wins, so an attempt that was already running can undo a flush or release.
    private static QueueEntry MakeDue(QueueEntry entry) => entry with
    {
        Recipients = [.. entry.Recipients.Select(recipient => recipient.State == RecipientState.Deferred ? recipient with { NextAttemptAt = null } : recipient)],
    };

    private static async Task<int> ListAsync(ParseResult parseResult, Option<FileInfo?> config, Option<bool> json, CancellationToken cancellationToken)
    {
        var options = ConfigOption.Load(parseResult, config);
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        if (!Directory.Exists(Path.Combine(dataDirectory, "queue")))
        {
            await Console.Error.WriteLineAsync($"tern: no queue in '{dataDirectory}'; run in the server's working directory or pass its --config");
            return ExitCodes.Failure;
        }

        using var store = FileQueueStore.OpenShared(dataDirectory);
        var entries = new List<QueueEntry>();
        await foreach (var entry in store.ListAsync(cancellationToken))
        {
            entries.Add(entry);
        }

        if (parseResult.GetValue(json))
        {
            Console.WriteLine(JsonSerializer.Serialize(entries.Select(ToJson), JsonOptions));
            return ExitCodes.Success;
        }

        if (entries.Count == 0)
        {
            Console.WriteLine("Mail queue is empty");
            return ExitCodes.Success;
        }

        Console.WriteLine($"{"Queue ID",-14} {"Size",9}  {"Arrival (UTC)",-19}  Sender / Recipients");
        foreach (var entry in entries)
        {
            var held = entry.Held ? " (held)" : string.Empty;
            var sender = entry.Envelope.Sender.Length == 0 ? "<>" : entry.Envelope.Sender;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.Id,-14} {entry.Envelope.Size,9}  {entry.Envelope.ArrivalTime.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {sender}{held}"));
            foreach (var recipient in entry.Recipients)
            {
                var reply = recipient.LastReply is null ? string.Empty : $": {recipient.LastReply}";
                Console.WriteLine($"{string.Empty,48}{recipient.Address} ({recipient.State.ToString().ToLowerInvariant()}{reply})");
            }
        }

        var recipients = entries.Sum(entry => entry.Recipients.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"-- {entries.Count} messages, {recipients} recipients"));
        return ExitCodes.Success;
    }

    private static async Task<int> ShowAsync(ParseResult parseResult, Option<FileInfo?> config, Argument<string> idArgument, Option<bool> json, CancellationToken cancellationToken)
    {
        var options = ConfigOption.Load(parseResult, config);
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        var text = parseResult.GetValue(idArgument)!;
        if (!QueueId.TryParse(text, out var id))
        {
            await Console.Error.WriteLineAsync($"tern: '{text}' is not a queue id; copy one from 'tern queue list'");
            return ExitCodes.Usage;
        }

        using var store = FileQueueStore.OpenShared(Path.GetFullPath(options.DataDirectory));
        var entry = await store.GetAsync(id, cancellationToken);
        if (entry is null)
        {
            await Console.Error.WriteLineAsync($"tern: queue id {text} not found (delivered, deleted or never queued)");
            return ExitCodes.Failure;
        }

        if (parseResult.GetValue(json))
        {
            Console.WriteLine(JsonSerializer.Serialize(ToJson(entry), JsonOptions));
            return ExitCodes.Success;
        }

        var envelope = entry.Envelope;
        Console.WriteLine($"Queue ID:      {entry.Id}{(entry.Held ? " (held)" : string.Empty)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Arrival:       {envelope.ArrivalTime.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"));
        Console.WriteLine($"Sender:        <{envelope.Sender}>");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Size:          {envelope.Size} octets, body {envelope.BodyType}{(envelope.SmtpUtf8 ? ", SMTPUTF8" : string.Empty)}"));
        Console.WriteLine($"Client:        {envelope.ClientHeloName ?? "-"} [{envelope.ClientAddress ?? "-"}]");
        foreach (var recipient in entry.Recipients)
        {
            Console.WriteLine($"Recipient:     <{recipient.Address}> {recipient.State.ToString().ToLowerInvariant()}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  attempts:    {recipient.Attempts}"));
            if (recipient.NextAttemptAt is { } next)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  next try:    {next.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"));
            }

            if (recipient.LastReply is not null)
            {
                Console.WriteLine($"  last reply:  {recipient.LastReply}");
            }
        }

        return ExitCodes.Success;
    }

    private static object ToJson(QueueEntry entry) => new
    {
        id = entry.Id.ToString(),
        arrival = entry.Envelope.ArrivalTime,
        sender = entry.Envelope.Sender,
        size = entry.Envelope.Size,
        held = entry.Held,
        client = entry.Envelope.ClientAddress,
        helo = entry.Envelope.ClientHeloName,
        recipients = entry.Recipients.Select(recipient => new
        {
            address = recipient.Address,
            state = recipient.State.ToString().ToLowerInvariant(),
            attempts = recipient.Attempts,
            nextAttempt = recipient.NextAttemptAt,
            lastReply = recipient.LastReply,
        }),
    };
}
