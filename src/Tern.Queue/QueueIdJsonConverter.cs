using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tern.Queue;

/// <summary>Writes a <see cref="QueueId"/> as its 13-character text form.</summary>
internal sealed class QueueIdJsonConverter : JsonConverter<QueueId>
{
    public override QueueId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!QueueId.TryParse(text, out var id))
        {
            throw new JsonException($"Invalid queue id '{text}'.");
        }

        return id;
    }

    public override void Write(Utf8JsonWriter writer, QueueId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
