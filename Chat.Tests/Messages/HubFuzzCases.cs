using System.Text;
using Chat.Tests.Infrastructure;
using MessagePack;

namespace Chat.Tests.Messages;

/// <summary>
/// Frames for the hub fuzz: every method with its argument, or one member of it, replaced by a value of the wrong
/// type or shape; and frames that are not well-formed at all. Deterministic, so a failure names its case.
/// </summary>
public static class HubFuzzCases
{
    public sealed record Call(string Name, string Method, byte[] Frame);

    /// <summary>Each method with a valid argument's members, as JSON values, aimed at <paramref name="conversationId"/>.</summary>
    private static Dictionary<string, Dictionary<string, string>> Templates(Guid conversationId) => new()
    {
        ["SendMessage"] = new() { ["conversationId"] = $"\"{conversationId}\"", ["clientMessageId"] = "\"fuzz\"", ["content"] = "\"hello\"" },
        ["EditMessage"] = new() { ["conversationId"] = $"\"{conversationId}\"", ["messageId"] = $"\"{Guid.NewGuid()}\"", ["content"] = "\"hello\"" },
        ["DeleteMessage"] = new() { ["conversationId"] = $"\"{conversationId}\"", ["messageId"] = $"\"{Guid.NewGuid()}\"" },
        ["Sync"] = new() { ["cursors"] = $"[{{\"conversationId\":\"{conversationId}\",\"afterSeq\":0}}]", ["limit"] = "10" },
        ["MarkDelivered"] = new() { ["conversationId"] = $"\"{conversationId}\"", ["seq"] = "1" },
        ["MarkRead"] = new() { ["conversationId"] = $"\"{conversationId}\"", ["seq"] = "1" },
        ["Typing"] = new() { ["conversationId"] = $"\"{conversationId}\"" },
        ["SendToDevices"] = new()
        {
            ["clientMessageId"] = "\"fuzz\"",
            ["envelopes"] = $"[{{\"userId\":\"{Guid.NewGuid()}\",\"deviceId\":\"{Guid.NewGuid()}\",\"ciphertext\":\"AAAA\"}}]",
        },
        ["SyncDeviceMessages"] = new() { ["after"] = "0", ["limit"] = "10" },
        ["AckDeviceMessages"] = new() { ["upTo"] = "0" },
        ["StartCall"] = new() { ["conversationId"] = $"\"{conversationId}\"", ["callId"] = $"\"{Guid.NewGuid()}\"", ["media"] = "\"video\"" },
        ["AcceptCall"] = new() { ["callId"] = $"\"{Guid.NewGuid()}\"" },
        ["RejectCall"] = new() { ["callId"] = $"\"{Guid.NewGuid()}\"" },
        ["CancelCall"] = new() { ["callId"] = $"\"{Guid.NewGuid()}\"" },
        ["HangUp"] = new() { ["callId"] = $"\"{Guid.NewGuid()}\"" },
        ["SendCallSignal"] = new()
        {
            ["callId"] = $"\"{Guid.NewGuid()}\"", ["toDeviceId"] = $"\"{Guid.NewGuid()}\"", ["type"] = "\"offer\"", ["data"] = "\"v=0\"",
        },
    };

    private static readonly string[] WholeArguments = ["null", "1", "\"text\"", "true", "[]", "[1,2]", "{}"];

    private static readonly string[] MemberValues =
    [
        "1", "-1", "1.5", "1e400", "\"not-a-guid\"", "\"\"", "true", "null", "[]", "{}", "\"\\u0000\"", "\"\\ud800\"",
        $"\"{new string('x', 10_000)}\"", new string('[', 60) + new string(']', 60),
    ];

    public static IEnumerable<Call> Json(Guid conversationId)
    {
        var n = 0;
        foreach (var (method, members) in Templates(conversationId))
        {
            foreach (var whole in WholeArguments)
            {
                yield return JsonCall($"{method}({whole})", method, whole, ref n);
            }

            foreach (var member in members.Keys)
            {
                foreach (var value in MemberValues)
                {
                    var argument = "{" + string.Join(",", members.Select(m => $"\"{m.Key}\":{(m.Key == member ? value : m.Value)}")) + "}";
                    yield return JsonCall($"{method}({member}={Shorten(value)})", method, argument, ref n);
                }
            }

            var valid = "{" + string.Join(",", members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";
            yield return JsonCall($"{method}(two arguments)", method, valid + "," + valid, ref n);
            yield return JsonCall($"{method}(unknown member)", method, valid[..^1] + ",\"isAdmin\":true}", ref n);
        }

        yield return JsonCall("no arguments", "SendMessage", "", ref n);
        yield return JsonCall("unknown method", "DropTables", "{}", ref n);
        yield return JsonCall("lifecycle method", "OnConnectedAsync", "", ref n);
        yield return JsonCall("method in other case", "sendmessage", "{}", ref n);
    }

    public static IEnumerable<Call> MessagePack(Guid conversationId)
    {
        var n = 0;
        MessagePackWrite[] wholes =
        [
            (ref MessagePackWriter w) => w.WriteNil(), (ref MessagePackWriter w) => w.Write(1), (ref MessagePackWriter w) => w.Write("text"),
            (ref MessagePackWriter w) => w.Write(true), (ref MessagePackWriter w) => w.WriteArrayHeader(0),
        ];
        (string Name, MessagePackWrite Write)[] values =
        [
            ("int", (ref MessagePackWriter w) => w.Write(-1)), ("string", (ref MessagePackWriter w) => w.Write("not-a-guid")),
            ("bool", (ref MessagePackWriter w) => w.Write(true)), ("nil", (ref MessagePackWriter w) => w.WriteNil()),
            ("array", (ref MessagePackWriter w) => w.WriteArrayHeader(0)), ("map", (ref MessagePackWriter w) => w.WriteMapHeader(0)),
            ("binary", (ref MessagePackWriter w) => w.Write(new byte[] { 1, 2, 3 })), ("float", (ref MessagePackWriter w) => w.Write(1.5)),
            ("big string", (ref MessagePackWriter w) => w.Write(new string('x', 10_000))),
        ];
        foreach (var (method, members) in Templates(conversationId))
        {
            foreach (var whole in wholes)
            {
                yield return new Call($"{method}(whole #{n})", method, RawInvocation(n++, method, whole));
            }

            foreach (var member in members.Keys)
            {
                foreach (var (name, write) in values)
                {
                    yield return new Call($"{method}({member}={name})", method, RawInvocation(n++, method, (ref MessagePackWriter w) =>
                    {
                        w.WriteMapHeader(members.Count);
                        foreach (var (key, json) in members)
                        {
                            w.Write(char.ToUpperInvariant(key[0]) + key[1..]);
                            if (key == member)
                            {
                                write(ref w);
                            }
                            else
                            {
                                WriteJsonValue(ref w, json);
                            }
                        }
                    }));
                }
            }
        }
    }

    /// <summary>
    /// Frames that are not well-formed: each ends its connection with an error, is answered with one, or (a
    /// message type this version does not know, which SignalR's protocols leave for later versions) is ignored.
    /// </summary>
    public static IEnumerable<(string Name, byte[] Frame, bool Binary)> Malformed(bool messagePack)
    {
        if (!messagePack)
        {
            yield return ("truncated", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendMessage\",\"arguments\":[{\u001e"), false);
            yield return ("not JSON", Encoding.UTF8.GetBytes("not json at all\u001e"), false);
            yield return ("type as text", Encoding.UTF8.GetBytes("{\"type\":\"one\"}\u001e"), false);
            yield return ("unknown type", Encoding.UTF8.GetBytes("{\"type\":99}\u001e"), false);
            yield return ("no target", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"arguments\":[]}\u001e"), false);
            yield return ("no arguments member", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendMessage\"}\u001e"), false);
            yield return ("numeric invocation id", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":1,\"target\":\"Typing\",\"arguments\":[{}]}\u001e"), false);
            yield return ("invalid UTF-8", [0x7b, 0xff, 0xfe, 0x22, 0x7d, 0x1e], false);
            yield return ("nested 70 deep, past the reader's limit of 64", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"Typing\",\"arguments\":[" + new string('[', 70) + new string(']', 70) + "]}\u001e"), false);
            yield return ("nested 10,000 deep", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"Typing\",\"arguments\":[" + new string('[', 10_000) + new string(']', 10_000) + "]}\u001e"), false);
            yield return ("over 96 KiB", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendMessage\",\"arguments\":[{\"content\":\"" + new string('x', 100_000) + "\"}]}\u001e"), false);
            yield return ("binary message", [1, 2, 3, 0x1e], true);
            yield break;
        }

        yield return ("truncated", [0x05, 0x96, 0x01, 0x80, 0xa1], true);
        yield return ("random bytes", [0x08, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1], true);
        yield return ("type as text", RawHubFrames.LengthPrefixed((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write("one"); w.WriteMapHeader(0); }), true);
        yield return ("unknown type", RawHubFrames.LengthPrefixed((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(99); w.WriteMapHeader(0); }), true);
        yield return ("not an array", RawHubFrames.LengthPrefixed((ref MessagePackWriter w) => w.Write("hello")), true);
        yield return ("length prefix of 5 bytes", [0xff, 0xff, 0xff, 0xff, 0x7f, 0x90], true);
        yield return ("over 96 KiB", RawHubFrames.LengthPrefixed((ref MessagePackWriter w) => { w.WriteArrayHeader(6); w.Write(1); w.WriteMapHeader(0); w.Write("1"); w.Write("SendMessage"); w.WriteArrayHeader(1); w.Write(new string('x', 100_000)); w.WriteArrayHeader(0); }), true);
        yield return ("JSON in a text message", [0x0a, .. Encoding.UTF8.GetBytes("{\"type\":6}")], false);
    }

    private static Call JsonCall(string name, string method, string arguments, ref int n)
    {
        var id = (n++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Call(name, method, RawHubFrames.JsonInvocation(id, method, arguments));
    }

    private static byte[] RawInvocation(int n, string method, MessagePackWrite argument) =>
        RawHubFrames.MessagePackInvocation(n.ToString(System.Globalization.CultureInfo.InvariantCulture), method, argument);

    /// <summary>The template's members as MessagePack: strings, integers and the one cursor array.</summary>
    private static void WriteJsonValue(ref MessagePackWriter w, string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Write(ref w, document.RootElement);

        static void Write(ref MessagePackWriter w, System.Text.Json.JsonElement e)
        {
            switch (e.ValueKind)
            {
                case System.Text.Json.JsonValueKind.String:
                    w.Write(e.GetString());
                    break;
                case System.Text.Json.JsonValueKind.Number:
                    w.Write(e.GetInt64());
                    break;
                case System.Text.Json.JsonValueKind.Array:
                    w.WriteArrayHeader(e.GetArrayLength());
                    foreach (var item in e.EnumerateArray())
                    {
                        Write(ref w, item);
                    }

                    break;
                case System.Text.Json.JsonValueKind.Object:
                    var properties = e.EnumerateObject().ToList();
                    w.WriteMapHeader(properties.Count);
                    foreach (var property in properties)
                    {
                        w.Write(char.ToUpperInvariant(property.Name[0]) + property.Name[1..]);
                        Write(ref w, property.Value);
                    }

                    break;
            }
        }
    }

    private static string Shorten(string value) => value.Length > 16 ? value[..12] + "…" : value;
}
