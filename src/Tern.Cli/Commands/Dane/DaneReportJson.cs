using System.Text.Json;
using System.Text.Json.Serialization;
using Tern.Dane.Check;

namespace Tern.Cli.Commands.Dane;

/// <summary>
/// Serializes a <see cref="DaneCheckReport"/> as indented JSON with camelCase field names. Enum
/// values keep their .NET names (Verified, Secure, AuthenticatedTls), and null fields are written,
/// so that every report has the same fields.
/// </summary>
internal static class DaneReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(DaneCheckReport report) => JsonSerializer.Serialize(report, Options);
}
