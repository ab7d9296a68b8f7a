using System.Buffers;
using System.Text;
using MessagePack;

namespace Chat.Tests.Infrastructure;

/// <summary>Writes a value into a MessagePack frame; the writer is passed by reference, as it must be.</summary>
public delegate void MessagePackWrite(ref MessagePackWriter writer);

/// <summary>Hub frames built by hand (<see cref="RawHubConnection"/>), as docs/protocol.md's "Frames" shows them.</summary>
public static class RawHubFrames
{
    /// <summary>A JSON invocation frame: {"type":1,"invocationId":id,"target":method,"arguments":[argumentsJson]}.</summary>
    public static byte[] JsonInvocation(string invocationId, string method, string argumentsJson) =>
        Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"{method}\",\"arguments\":[{argumentsJson}]}}\u001e");

    /// <summary>A MessagePack invocation frame, its length prefixed: [1, {}, id, method, [argument], []].</summary>
    public static byte[] MessagePackInvocation(string invocationId, string method, MessagePackWrite writeArgument) =>
        LengthPrefixed((ref MessagePackWriter writer) =>
        {
            writer.WriteArrayHeader(6);
            writer.Write(1);
            writer.WriteMapHeader(0);
            writer.Write(invocationId);
            writer.Write(method);
            writer.WriteArrayHeader(1);
            writeArgument(ref writer);
            writer.WriteArrayHeader(0);
        });

    /// <summary>A MessagePack frame: its length as a varint, then the message.</summary>
    public static byte[] LengthPrefixed(MessagePackWrite write)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        write(ref writer);
        writer.Flush();
        var prefix = new List<byte>();
        for (var length = (uint)body.WrittenCount; ; length >>= 7)
        {
            prefix.Add((byte)((length & 0x7fu) | (length > 0x7fu ? 0x80u : 0u)));
            if (length <= 0x7f)
            {
                break;
            }
        }

        return [.. prefix, .. body.WrittenSpan];
    }
}
