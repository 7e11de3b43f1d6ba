using System.Text.Json.Serialization;

namespace Tern.Queue;

/// <summary>
/// Source-generated serializer for envelope files. Null in a non-nullable property or a missing
/// required property fails the read, so a damaged file is reported as corrupt instead of loading.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    WriteIndented = true)]
[JsonSerializable(typeof(QueueEntryDocument))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;
