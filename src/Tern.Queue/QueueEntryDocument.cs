namespace Tern.Queue;

/// <summary>The envelope file's top-level object: a format version and the entry.</summary>
internal sealed record QueueEntryDocument
{
    public const int CurrentVersion = 1;

    public required int Version { get; init; }

    public required QueueEntry Entry { get; init; }
}
