using System.Text.Json;

namespace Tern.IntegrationTests.Dane;

/// <summary>
/// The facts of the running DNSSEC/DANE lab, read from eng/lab/run/lab.json, which
/// <c>eng/lab/lab.sh up</c> writes. Construction fails when the file is missing.
/// </summary>
public sealed class LabFixture
{
    public LabFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        LabDirectory = Path.Combine(RepositoryRoot, "eng", "lab");
        var factsFile = Path.Combine(LabDirectory, "run", "lab.json");
        if (!File.Exists(factsFile))
        {
            throw new InvalidOperationException($"lab not running: run eng/lab/lab.sh up ({factsFile} is missing)");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(factsFile));
        var root = document.RootElement;
        var resolver = root.GetProperty("resolver");
        Resolver = $"{resolver.GetProperty("address").GetString()}:{resolver.GetProperty("port").GetInt32()}";
        Zones = [.. root.GetProperty("zones").EnumerateArray().Select(LabZone.Parse)];
        Servers = [.. root.GetProperty("servers").EnumerateArray().Select(LabServer.Parse)];
    }

    public string RepositoryRoot { get; }

    public string LabDirectory { get; }

    /// <summary>The lab's validating resolver as ADDRESS:PORT, the form <c>--resolver</c> takes.</summary>
    public string Resolver { get; }

    public IReadOnlyList<LabZone> Zones { get; }

    public IReadOnlyList<LabServer> Servers { get; }

    public LabZone Zone(string domain) =>
        Zones.SingleOrDefault(z => z.Domain == domain) ?? throw new InvalidOperationException($"lab.json has no zone {domain}");

    public LabServer Server(string host) =>
        Servers.SingleOrDefault(s => s.Host == host) ?? throw new InvalidOperationException($"lab.json has no server {host}");

    /// <summary>Returns the records lab.json expects for one dig query, such as ("_25._tcp.mx.dane-ee.example", "TLSA").</summary>
    public IReadOnlyList<string> ExpectedAnswer(string name, string type) =>
        Zones.SelectMany(z => z.Checks).FirstOrDefault(c => c.Name == name && c.Type == type)?.Answer
        ?? throw new InvalidOperationException($"lab.json has no check for {name} {type}");

    // tests/Tern.IntegrationTests/bin/<Configuration>/<framework>/ lies below the directory with Tern.slnx.
    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tern.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Tern.slnx above {AppContext.BaseDirectory}; run the tests from the repository");
    }
}
