using System.Net.WebSockets;
using System.Text;
using Chat.Tests.Infrastructure;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Messages;

/// <summary>
/// An argument that does not bind fails its call with <c>invalid_argument</c> naming the member, over JSON and
/// MessagePack alike; the connection stays open and nothing is stored.
/// </summary>
public sealed class ArgumentBindingTests(ChatApp chat) : DistributedTest(chat)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_call_whose_argument_does_not_bind_fails_with_invalid_argument_naming_the_member(bool messagePack)
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var client = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken, messagePack);
        var ct = TestContext.Current.CancellationToken;

        async Task<string> Refusal(string method, object? argument)
        {
            var message = (await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<object>(method, argument, ct))).Message;
            TestContext.Current.TestOutputHelper?.WriteLine($"{method}: {message}");
            return message;
        }

        // JSON members are camelCase, MessagePack map keys PascalCase (docs/protocol.md).
        Dictionary<string, object?> Argument(params (string Name, object? Value)[] members) =>
            members.ToDictionary(m => messagePack ? char.ToUpperInvariant(m.Name[0]) + m.Name[1..] : m.Name, m => m.Value);

        Assert.StartsWith("invalid_argument: conversationId must be a UUID", await Refusal("SendMessage", Argument(("conversationId", "not-a-guid"), ("clientMessageId", "a"), ("content", "x"))), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("invalid_argument: conversationId", await Refusal("SendMessage", Argument(("conversationId", 42), ("clientMessageId", "b"), ("content", "x"))), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("invalid_argument: content", await Refusal("SendMessage", Argument(("conversationId", conversation.ToString()), ("clientMessageId", "c"), ("content", new[] { 1, 2 }))), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("invalid_argument: seq", await Refusal("MarkRead", Argument(("conversationId", conversation.ToString()), ("seq", "three"))), StringComparison.OrdinalIgnoreCase);
        // A documented refusal starts with its code too, with nothing of SignalR's own wording before it.
        Assert.StartsWith("conversation_not_found: ", await Refusal("SendMessage", Argument(("conversationId", Guid.NewGuid().ToString()), ("clientMessageId", "d"), ("content", "x"))), StringComparison.Ordinal);
        Assert.StartsWith("invalid_argument: the argument of SendMessage", await Refusal("SendMessage", "a string, not an object"), StringComparison.Ordinal);
        Assert.StartsWith("invalid_argument: SendMessage needs its argument", await Refusal("SendMessage", null), StringComparison.Ordinal);

        Assert.StartsWith("unknown_method: the hub has no method 'NoSuchMethod'", await Refusal("NoSuchMethod", Argument(("conversationId", conversation.ToString()))), StringComparison.Ordinal);

        // The connection carried on, and none of the refused sends was stored.
        var ack = await client.Connection.InvokeAsync<MessageAck>("SendMessage",
            Argument(("conversationId", conversation.ToString()), ("clientMessageId", "after"), ("content", "after the refusals")), ct);
        Assert.Equal(1, ack.Seq);
    }

    [Fact]
    public async Task A_malformed_messagepack_argument_is_refused_and_the_connection_stays_open()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var ct = TestContext.Current.CancellationToken;
        using var socket = new ClientWebSocket();
        var hub = new UriBuilder(new Uri(Chat.RealtimeNodes[0].Address, "/hubs/chat")) { Scheme = "ws", Query = $"access_token={alice.Tokens.AccessToken}" }.Uri;
        await socket.ConnectAsync(hub, ct);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"messagepack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, ct);
        var buffer = new byte[4096];
        await socket.ReceiveAsync(buffer, ct);

        // [1, {}, "0", "SendMessage", [a str32 that claims 2 GiB and has no bytes], []]
        byte[] payload = [0x96, 0x01, 0x80, 0xa1, (byte)'0', 0xab, .. Encoding.ASCII.GetBytes("SendMessage"), 0x91, 0xdb, 0x80, 0x00, 0x00, 0x00, 0x90];
        await socket.SendAsync((byte[])[(byte)payload.Length, .. payload], WebSocketMessageType.Binary, true, ct);

        // The answer: [3 (completion), {}, "0", 1 (error), "invalid_argument: ..."], after its length prefix.
        var received = await socket.ReceiveAsync(buffer, ct);
        var reader = new MessagePackReader(buffer.AsMemory(1, received.Count - 1));
        Assert.Equal(5, reader.ReadArrayHeader());
        Assert.Equal(3, reader.ReadInt32());
        reader.Skip();
        Assert.Equal("0", reader.ReadString());
        Assert.Equal(1, reader.ReadInt32());
        Assert.StartsWith("invalid_argument: ", reader.ReadString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
