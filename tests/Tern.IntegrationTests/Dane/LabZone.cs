using System.Text.Json;

namespace Tern.IntegrationTests.Dane;

/// <summary>One lab zone with the RFC 7672 verdict the lab expects for it.</summary>
public sealed record LabZone(string Domain, string Verdict, IReadOnlyList<LabCheck> Checks, IReadOnlyList<LabHttpsHost> Https)
{
    internal static LabZone Parse(JsonElement zone) => new(
        zone.GetProperty("domain").GetString()!,
        zone.GetProperty("verdict").GetString()!,
        [.. zone.GetProperty("checks").EnumerateArray().Select(c => new LabCheck(
            c.GetProperty("name").GetString()!,
            c.GetProperty("type").GetString()!,
            [.. c.GetProperty("answer").EnumerateArray().Select(a => a.GetString()!)]))],
        [.. zone.GetProperty("https").EnumerateArray().Select(h => new LabHttpsHost(
            h.GetProperty("host").GetString()!,
            h.GetProperty("verified").GetBoolean()))]);
}

/// <summary>A dig query of the lab with the RDATA it must return.</summary>
public sealed record LabCheck(string Name, string Type, IReadOnlyList<string> Answer);

/// <summary>An HTTPS host of a lab zone and whether a DANE handshake with it must verify.</summary>
public sealed record LabHttpsHost(string Host, bool Verified);
