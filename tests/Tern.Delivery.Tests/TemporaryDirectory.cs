namespace Tern.Delivery.Tests;

/// <summary>A fresh directory under the system temporary directory, deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tern-delivery-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
