using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Messages;

/// <summary>
/// Faults injected into the running system while a hundred devices send: a realtime node killed, Redis and
/// PostgreSQL restarted, the worker killed, a realtime node frozen past the presence timeout. After all of them,
/// every acknowledged message is stored once and reached every member's device, nothing unacknowledged is stored,
/// presence agrees with who is connected, every push went out, and a signed-out token is still refused.
/// </summary>
[Collection(nameof(NodeFailureTests))]
public sealed class FaultSuiteTests(ChatApp chat) : DistributedTest(chat)
{
    private const int Groups = 25;
    private const int GroupSize = 4;
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Every_acknowledged_message_survives_each_fault_once_and_reaches_every_member()
    {
        var log = new List<string>();
        var devices = new List<LoadClient>();
        var pushTokens = new Dictionary<Guid, string>();
        for (var g = 0; g < Groups; g++)
        {
            var members = new List<TestUser>();
            for (var i = 0; i < GroupSize; i++)
            {
                members.Add(await TestUser.RegisterAsync(Chat));
            }

            // Every fifth group has a member who stays offline with a phone: each message there is a push.
            var offline = g % 5 == 0 ? await TestUser.RegisterAsync(Chat) : null;
            var group = await Conversations.GroupAsync(Chat, members[0], [.. members.Skip(1), .. offline is null ? [] : new[] { offline }]);
            if (offline is not null)
            {
                pushTokens[group] = await PushDevices.RegisterAsync(Chat, offline.Tokens, "android", PushDevices.Token("fault"));
            }

            devices.AddRange(members.Select((m, i) => new LoadClient(Chat, m, group, (g + i) % 2)));
        }

        var signedOut = await TestUser.RegisterAsync(Chat);
        using (var api = signedOut.Api(Chat))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync("/api/auth/logout")).StatusCode);
        }

        // Each step's time goes in the log: when something fails, the output says which fault it followed.
        var clock = Stopwatch.StartNew();
        void Log(string step) => log.Add($"{clock.Elapsed.TotalSeconds:F0} s: {step}");
        var stuck = new List<string>();
        try
        {
            foreach (var device in devices)
            {
                await device.StartAsync(SendInterval);
            }

            Log($"{devices.Count} devices sending");
            await Task.Delay(Settle, TestContext.Current.CancellationToken);

            var victim = Chat.RealtimeNodes[0];
            Chat.KillRealtimeNode(victim);
            Log($"kill -9 realtime node {victim.ResourceId}");
            await Task.Delay(Settle, TestContext.Current.CancellationToken);
            await Chat.RestartRealtimeNodeAsync(victim);
            Log("realtime node back");

            await Chat.RestartResourceAsync("redis");
            Log("restarted Redis");
            await Task.Delay(Settle, TestContext.Current.CancellationToken);

            await Chat.RestartResourceAsync("postgres");
            Log("restarted PostgreSQL");
            await Task.Delay(Settle, TestContext.Current.CancellationToken);

            Process.GetProcessById(await Chat.ProcessIdOfResourceAsync("worker")).Kill(entireProcessTree: true);
            Log("kill -9 the worker");
            await Task.Delay(Settle, TestContext.Current.CancellationToken);
            await Chat.StartResourceAsync("worker");
            Log("worker started");

            var frozen = Chat.RealtimeNodes[1];
            var frozenPid = Chat.ProcessIdOf(frozen.ResourceId);
            var reconnectsBeforeFreeze = devices.Sum(d => d.Reconnects);
            Signal("STOP", frozenPid);
            Log($"SIGSTOP realtime node {frozen.ResourceId} for 25 s, then SIGCONT");
            await Task.Delay(TimeSpan.FromSeconds(25), TestContext.Current.CancellationToken);
            Signal("CONT", frozenPid);
            await Task.Delay(Settle, TestContext.Current.CancellationToken);
            Log($"{devices.Sum(d => d.Reconnects) - reconnectsBeforeFreeze} reconnects after the freeze, {devices.Count(d => d.IsOn(frozen))} devices on the frozen node");
        }
        finally
        {
            // Each device stops once its message in flight is acknowledged. One that never is would otherwise hold
            // the test until the run's hang timeout, and hide the failure that left it waiting.
            stuck = await LoadClient.StopAllAsync(devices, TimeSpan.FromSeconds(90));
            Log($"devices stopped, {stuck.Count} still waiting");
            TestContext.Current.TestOutputHelper?.WriteLine($"faults: {string.Join("; ", log)}");
            if (stuck.Count > 0)
            {
                // Their retries would go on against the collection's system while the next test runs.
                foreach (var device in devices)
                {
                    await device.DisposeAsync();
                }
            }
        }

        Assert.True(stuck.Count == 0, $"{stuck.Count} devices never had their last message acknowledged:\n{string.Join('\n', stuck)}");
        await AssertPresenceConvergesAsync(devices);
        foreach (var device in devices)
        {
            await device.DisposeAsync();
        }

        var acknowledged = 0;
        var pushes = new List<string>();
        foreach (var conversation in devices.GroupBy(d => d.Conversation))
        {
            var members = conversation.ToList();
            var acked = members.SelectMany(d => d.Acknowledged).ToDictionary(a => a.Key, a => a.Value);
            acknowledged += acked.Count;
            await using var reader = new LoadClient(Chat, members[0].User, conversation.Key, 0);
            var stored = await reader.StoredAsync();

            // Stored once: one event per seq, 1 to N, each an acknowledged message, and every acknowledged one there.
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(m => m.Seq));
            Assert.Equal(acked.OrderBy(a => a.Value).Select(a => a.Key), stored.Select(m => m.MessageId));

            foreach (var device in members)
            {
                foreach (var connection in device.LivePerConnection)
                {
                    Assert.Equal(connection.Count, connection.Select(m => m.MessageId).Distinct().Count());
                }

                var reached = device.LivePerConnection.SelectMany(c => c).Concat(device.Synced).Select(m => m.MessageId).ToHashSet();
                reached.UnionWith(device.Acknowledged.Keys);
                Assert.Empty(acked.Keys.Except(reached));
            }

            if (pushTokens.TryGetValue(conversation.Key, out var token))
            {
                await Eventually.HoldsAsync(
                    () => PushedMessages(token).Distinct().Count() >= acked.Count, TimeSpan.FromSeconds(60),
                    () => $"{PushedMessages(token).Distinct().Count()} of {acked.Count} pushes");
                Assert.Equal(acked.Keys.Order(), PushedMessages(token).Distinct().Order());
                var duplicates = PushedMessages(token).Count - acked.Count;
                pushes.Add($"pushes to {token}: {acked.Count}, {duplicates} sent twice");
            }
        }

        using (var api = new ApiClient(Chat, signedOut.Tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/users/me")).StatusCode);
        }

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ChatClient.ConnectAsync(Chat.RealtimeNodes[0], signedOut.Tokens.AccessToken));
        Assert.Contains("'401'", refused.Message);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{devices.Count} devices, {acknowledged} acknowledged messages checked, {devices.Sum(d => d.Reconnects)} reconnects; {string.Join("; ", pushes)}");
    }

    private List<Guid> PushedMessages(string token) =>
        Chat.Fcm.For(token)
            .Where(r => r.Status == 200 && r.Message.GetProperty("data").GetProperty("type").GetString() == "message")
            .Select(r => Guid.Parse(r.Message.GetProperty("data").GetProperty("messageId").GetString()!))
            .ToList();

    /// <summary>Every device is connected again; each user is shown online to someone who shares the group.</summary>
    private async Task AssertPresenceConvergesAsync(List<LoadClient> devices)
    {
        foreach (var conversation in devices.GroupBy(d => d.Conversation))
        {
            var members = conversation.ToList();
            using var api = members[0].User.Api(Chat);
            foreach (var other in members.Skip(1))
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!await IsOnlineAsync(api, other.User.Id))
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{other.User.Username} is connected but not shown online");
                    await Task.Delay(500, TestContext.Current.CancellationToken);
                }
            }
        }
    }

    private static async Task<bool> IsOnlineAsync(ApiClient api, Guid userId)
    {
        var presence = await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await api.GetAsync($"/api/users/{userId}/presence"));
        return presence.GetProperty("online").GetBoolean();
    }

    /// <summary>Signals a process and every process under it (a resource's pid can be a launcher of the service).</summary>
    private static void Signal(string signal, int pid)
    {
        foreach (var target in Tree(pid))
        {
            using var kill = Process.Start("kill", [$"-{signal}", target.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <summary>A thread's child processes; none once the thread has exited (threads come and go while the tree is walked).</summary>
    private static string[] ChildrenOf(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            return [];
        }
    }

    private static IEnumerable<int> Tree(int pid)
    {
        yield return pid;
        var children = Directory.Exists($"/proc/{pid}/task")
            ? Directory.GetDirectories($"/proc/{pid}/task").SelectMany(ChildrenOf).Select(int.Parse)
            : [];
        foreach (var child in children.ToList())
        {
            foreach (var descendant in Tree(child))
            {
                yield return descendant;
            }
        }
    }
}
