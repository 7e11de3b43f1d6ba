namespace Tern.Queue.Tests;

public sealed class DurableDirectoryTests
{
    [Fact]
    public void Sync_ExistingDirectory_Succeeds()
    {
        using var directory = new TemporaryDirectory();

        DurableDirectory.Sync(directory.Path);
    }

    [Fact]
    public void Sync_MissingDirectory_ThrowsWithPath()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var directory = new TemporaryDirectory();
        var missing = Path.Combine(directory.Path, "missing");

        var exception = Assert.Throws<IOException>(() => DurableDirectory.Sync(missing));

        Assert.Contains(missing, exception.Message, StringComparison.Ordinal);
        Assert.Contains("open failed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sync_RegularFile_ThrowsNotADirectory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var directory = new TemporaryDirectory();
        var file = Path.Combine(directory.Path, "file");
        File.WriteAllText(file, "x");

        // O_DIRECTORY makes open fail with ENOTDIR, which shows that the flag value is right.
        var exception = Assert.Throws<IOException>(() => DurableDirectory.Sync(file));

        Assert.Contains("errno 20", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NestedPath_CreatesEveryLevel()
    {
        using var directory = new TemporaryDirectory();
        var nested = Path.Combine(directory.Path, "a", "b", "c");

        DurableDirectory.Create(nested);

        Assert.True(Directory.Exists(nested));
    }
}
