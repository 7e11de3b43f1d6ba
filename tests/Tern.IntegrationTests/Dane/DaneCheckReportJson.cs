using System.Text.Json;

namespace Tern.IntegrationTests.Dane;

/// <summary>The fields of a <c>tern dane check --json</c> report that the tests read.</summary>
internal sealed class DaneCheckReportJson
{
    private DaneCheckReportJson(JsonElement root)
    {
        Passed = root.GetProperty("passed").GetBoolean();
        NullMx = root.GetProperty("nullMx").GetBoolean();
        Message = root.GetProperty("message").GetString();
        MxOutcome = root.GetProperty("mxLookup") is { ValueKind: JsonValueKind.Object } mx ? mx.GetProperty("outcome").GetString() : null;
        Hosts = [.. root.GetProperty("hosts").EnumerateArray().Select(h => new Host(
            h.GetProperty("name").GetString()!,
            h.GetProperty("requirement").GetString()!,
            h.GetProperty("message").GetString()!,
            [.. h.GetProperty("addresses").EnumerateArray().Select(a => new Address(
                a.GetProperty("address").GetString()!,
                a.GetProperty("verdict").GetString()!,
                a.GetProperty("message").GetString()!,
                a.GetProperty("matchedRecord").GetString(),
                a.GetProperty("chain").GetArrayLength()))]))];
    }

    public bool Passed { get; }

    public bool NullMx { get; }

    public string? Message { get; }

    public string? MxOutcome { get; }

    public IReadOnlyList<Host> Hosts { get; }

    public IEnumerable<Address> Addresses => Hosts.SelectMany(h => h.Addresses);

    public static DaneCheckReportJson Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new DaneCheckReportJson(document.RootElement);
    }

    internal sealed record Host(string Name, string Requirement, string Message, IReadOnlyList<Address> Addresses);

    internal sealed record Address(string Ip, string Verdict, string Message, string? MatchedRecord, int ChainLength);
}
