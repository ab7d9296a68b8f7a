using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Chat.Realtime.Hubs;

/// <summary>
/// Times over MessagePack as the timestamp extension (type -1, UTC), which MessagePack libraries in every language
/// read as their date type. MessagePack-CSharp's own form for a DateTimeOffset is a private [time, offset] pair
/// that only .NET understands. A .NET client reads the extension into a DateTime as is, or into a DateTimeOffset
/// with <see cref="WithTimestamps"/>; this formatter also reads the pair, so older .NET senders keep working.
/// </summary>
public sealed class MessagePackTimes : IMessagePackFormatter<DateTimeOffset>
{
    public static readonly MessagePackTimes Instance = new();

    /// <summary>The options with times as timestamps, everything else resolved as before.</summary>
    public static MessagePackSerializerOptions WithTimestamps(MessagePackSerializerOptions options) =>
        options.WithResolver(CompositeResolver.Create(
            [Instance, new StaticNullableFormatter<DateTimeOffset>(Instance)],
            [options.Resolver]));

    public void Serialize(ref MessagePackWriter writer, DateTimeOffset value, MessagePackSerializerOptions options) =>
        writer.Write(value.UtcDateTime);

    public DateTimeOffset Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.NextMessagePackType == MessagePackType.Array
            ? DateTimeOffsetFormatter.Instance.Deserialize(ref reader, options)
            : new DateTimeOffset(reader.ReadDateTime(), TimeSpan.Zero);
}
