using System.Text.Json;

namespace Tern.IntegrationTests.Dane;

/// <summary>A lab TLS server with its certificate files.</summary>
public sealed record LabServer(string Host, string Address, int Port, string Certificate, string Chain)
{
    internal static LabServer Parse(JsonElement server) => new(
        server.GetProperty("host").GetString()!,
        server.GetProperty("address").GetString()!,
        server.GetProperty("port").GetInt32(),
        server.GetProperty("certificate").GetString()!,
        server.GetProperty("chain").GetString()!);
}
