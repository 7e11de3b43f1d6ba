using System.Text.Json;

namespace Tern.IntegrationTests.Delivery;

/// <summary>A lab zone whose MX host has no lab server, so that a test can run the receiver there.</summary>
public sealed record TestMxZone(string Domain, string Host, string Address, int Port, string Chain, string Key)
{
    internal static TestMxZone Parse(JsonElement zone) => new(
        zone.GetProperty("domain").GetString()!,
        zone.GetProperty("host").GetString()!,
        zone.GetProperty("address").GetString()!,
        zone.GetProperty("port").GetInt32(),
        zone.GetProperty("chain").GetString()!,
        zone.GetProperty("key").GetString()!);
}
