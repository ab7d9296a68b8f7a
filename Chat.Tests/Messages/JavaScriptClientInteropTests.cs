using System.Diagnostics;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Messages;

/// <summary>
/// The official SignalR JavaScript client (npm <c>@microsoft/signalr</c> and its MessagePack protocol), run by
/// Node.js from <c>Chat.Tests/Interop/interop.mjs</c>: a JSON client on one node and a MessagePack client on the
/// other talk to each other through every method and event, and get the documented error codes.
/// </summary>
public sealed class JavaScriptClientInteropTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task The_official_javascript_client_works_in_both_protocols_across_two_nodes()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var input = JsonSerializer.Serialize(new
        {
            nodeA = Chat.RealtimeNodes[0].Address.ToString().TrimEnd('/'),
            nodeB = Chat.RealtimeNodes[1].Address.ToString().TrimEnd('/'),
            alice = new { id = alice.Id, token = alice.Tokens.AccessToken },
            bob = new { id = bob.Id, token = bob.Tokens.AccessToken },
            conversation,
        });

        var start = new ProcessStartInfo("node", ["interop.mjs", input])
        {
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, "Chat.Tests", "Interop"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = node.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await node.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        var log = await output;
        TestContext.Current.TestOutputHelper?.WriteLine(log);

        Assert.True(node.ExitCode == 0, $"interop.mjs exited with {node.ExitCode}:\n{log}\n{await errors}");
        Assert.EndsWith("done", log.TrimEnd(), StringComparison.Ordinal);
        Assert.True(log.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)) >= 25, log);
    }
}
