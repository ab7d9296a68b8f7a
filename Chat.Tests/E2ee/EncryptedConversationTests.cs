using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Chat.Client.Crypto;
using Chat.Client.E2ee;
using Chat.Client.Realtime;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.E2ee;

/// <summary>Conversations encrypted by Chat.Client through the running system: the server sees and keeps only ciphertext.</summary>
public sealed class EncryptedConversationTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_marker_sent_encrypted_appears_nowhere_on_the_server_side_while_a_plain_one_does()
    {
        await using var redis = await RedisMonitor.StartAsync(await Chat.ConnectionStringAsync("redis"));
        await using var alice = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0]);
        await using var bobPhone = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        await using var bobLaptop = await bobPhone.AnotherDeviceAsync(Chat.RealtimeNodes[0]);
        var (carolId, carolToken, carolAccess) = await OfflineWithPushAsync();
        var direct = await CreateAsync(alice, new { kind = "direct", userId = bobPhone.UserId }, bobPhone);
        var group = await CreateAsync(alice, new { kind = "group", title = "marked", memberIds = new[] { bobPhone.UserId, carolId } }, bobPhone);
        using (var carolRest = new ApiClient(Chat, carolAccess))
        {
            await Conversations.AnswerAsync(carolRest, group);
        }

        var marker = $"MARKER{Guid.NewGuid():N}";
        await alice.SendAsync(direct, $"{marker} direct");
        await bobPhone.SendAsync(group, $"{marker} group");
        await bobPhone.WaitForAsync(p => p.Received.Any(m => m.Text == $"{marker} direct"), "the direct message on the phone");
        await bobLaptop.WaitForAsync(p => p.Received.Count(m => m.Text.StartsWith(marker, StringComparison.Ordinal)) == 2, "both messages on the laptop");
        await alice.WaitForAsync(p => p.Received.Any(m => m.Text == $"{marker} group"), "the group message");

        // A control sent without encryption: each scan below must find it, or the scan proves nothing.
        var control = $"CONTROL{Guid.NewGuid():N}";
        using (var rest = await alice.RestAsync())
        {
            Assert.Equal(HttpStatusCode.Created, (await rest.PostAsync($"/api/conversations/{group}/messages", new { clientMessageId = control, content = control })).StatusCode);
        }

        await Eventually.HoldsAsync(() => Chat.Fcm.For(carolToken).Count >= 2, TimeSpan.FromSeconds(20), () => $"{Chat.Fcm.For(carolToken).Count} push(es) to carol");
        await Eventually.HoldsAsync(() => redis.Text.Contains(control), TimeSpan.FromSeconds(10), () => "the control in Redis's traffic");

        var stored = await TextColumnsContainingAsync(marker);
        Assert.Empty(stored);
        Assert.NotEmpty(await TextColumnsContainingAsync(control));
        Assert.DoesNotContain(marker, redis.Text);
        var logs = await Chat.ServiceLogsAsync();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, line => line.Contains(marker, StringComparison.Ordinal));
        Assert.DoesNotContain(Chat.Fcm.Requests, r => r.Message.GetRawText().Contains(marker, StringComparison.Ordinal));

        // Bob's devices refused only the control: plain text is no message of docs/e2ee.md.
        Assert.Empty(alice.Refused);
        Assert.All(bobPhone.Refused.Concat(bobLaptop.Refused), r => Assert.Equal(DecryptionFailure.Malformed, r.Failure));
        Assert.DoesNotContain(bobPhone.Received.Concat(bobLaptop.Received), m => m.Text.Contains(control, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tampered_or_replayed_ciphertext_is_refused_and_reported_never_shown()
    {
        await using var alice = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0]);
        await using var bob = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        var direct = await CreateAsync(alice, new { kind = "direct", userId = bob.UserId }, bob);
        await alice.SendAsync(direct, "genuine");
        await bob.WaitForAsync(p => p.Received.Count == 1, "the genuine message");

        // The server turned adversary: it delivers the stored ciphertext altered, then again under a new seq.
        var stored = await HistoryAsync(bob, direct);
        var genuine = stored.Single(m => m.Kind == "text");
        var tampered = Base64Url.DecodeFromChars(genuine.Content!);
        tampered[GroupMessage.HeaderLength + 2] ^= 0x01;
        await DeliverAsync(bob, genuine with { Seq = 100, Content = Base64Url.EncodeToString(tampered) });
        await DeliverAsync(bob, genuine with { Seq = 101 });
        await DeliverAsync(bob, genuine with { Seq = 102, ClientMessageId = "another id" });

        Assert.Equal([(100L, DecryptionFailure.Tampered), (101L, DecryptionFailure.Replayed), (102L, DecryptionFailure.Tampered)],
            bob.Refused.Select(r => (r.Seq, r.Failure)));
        Assert.Equal(["genuine"], bob.Received.Select(m => m.Text));
    }

    [Fact]
    public async Task A_session_opened_in_a_devices_name_with_another_identity_key_is_refused()
    {
        await using var alice = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0]);
        await using var bob = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        var direct = await CreateAsync(alice, new { kind = "direct", userId = bob.UserId }, bob);

        // The server turned adversary: it opens a session with Bob's published keys in the name of Alice's device,
        // from an identity key of its own, and hands Bob a sender key for the conversation over it.
        var bundle = (await alice.Api.FetchKeysAsync(bob.UserId, cancellationToken: TestContext.Current.CancellationToken)).Devices.Single();
        var forged = PairwiseSession.Initiate(AgreementKeyPair.Generate(), AgreementKeyPair.Generate(), bundle.ToPrekeyBundle());
        var key = SenderKey.Create(direct, alice.DeviceId);
        key.Address([bob.DeviceId]);
        var envelope = forged.Encrypt(key.Distribution(bob.DeviceId).Encode(), MessageBinding.Device(alice.DeviceId, bob.DeviceId, "forged"));
        await bob.Messenger.Connection.RunAsync(() => ((IEventSink)bob.Messenger).OnDeviceMessageAsync(
            new DeviceMessageEvent(1000, alice.UserId, alice.DeviceId, "forged", Base64Url.EncodeToString(envelope), DateTimeOffset.UtcNow)));

        Assert.Contains(bob.Refused, r => r.Seq == 1000 && r.Failure == DecryptionFailure.Tampered);

        // Its message in Alice's name finds no key at Bob.
        var message = key.Encrypt("in alice's name"u8, "forged-message");
        await DeliverAsync(bob, new MessageEvent(Guid.NewGuid(), direct, 1000, "text", alice.UserId, alice.DeviceId, "forged-message",
            Base64Url.EncodeToString(message), null, DateTimeOffset.UtcNow));
        Assert.Contains(bob.Refused, r => r.ConversationId == direct && r.Failure == DecryptionFailure.NoKey);
        Assert.Empty(bob.Received);
    }

    [Fact]
    public async Task A_removed_member_cannot_decrypt_what_is_sent_after_and_a_new_device_reads_only_what_follows_it()
    {
        await using var alice = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0]);
        await using var bob = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        await using var carol = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0]);
        var group = await CreateAsync(alice, new { kind = "group", title = "rotating", memberIds = new[] { bob.UserId, carol.UserId } }, bob, carol);
        await alice.SendAsync(group, "before");
        await carol.WaitForAsync(p => p.Received.Any(m => m.Text == "before"), "the first message");

        await using var tablet = await bob.AnotherDeviceAsync(Chat.RealtimeNodes[1]);
        using (var rest = await alice.RestAsync())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await rest.DeleteAsync($"/api/conversations/{group}/members/{carol.UserId}")).StatusCode);
        }

        await alice.WaitForAsync(p => p.Membership.Any(m => m.Kind == "memberRemoved"), "alice applying the removal");
        await alice.SendAsync(group, "after");
        await bob.WaitForAsync(p => p.Received.Any(m => m.Text == "after"), "bob's phone");
        await tablet.WaitForAsync(p => p.Received.Any(m => m.Text == "after"), "bob's new tablet");

        // The tablet synced the whole history: what came before it has no key for it.
        var history = await HistoryAsync(alice, group);
        var before = history.First(m => m.Kind == "text");
        Assert.Equal(["after"], tablet.Received.Select(m => m.Text));
        Assert.Contains(tablet.Refused, r => r.Seq == before.Seq && r.Failure == DecryptionFailure.NoKey);

        // Carol is no longer sent anything; handed the ciphertext anyway, she has no key that opens it.
        var after = (await HistoryAsync(alice, group)).Last(m => m.Kind == "text");
        Assert.True(after.Seq > history.Single(m => m.Kind == "memberRemoved").Seq);
        Assert.DoesNotContain(carol.Received, m => m.Text == "after");
        await DeliverAsync(carol, after);
        Assert.Contains(carol.Refused, r => r.Seq == after.Seq && r.Failure == DecryptionFailure.NoKey);
        Assert.DoesNotContain(carol.Received, m => m.Text == "after");
    }

    [Fact]
    public async Task A_sender_with_a_stale_device_list_is_told_refreshes_and_every_device_decrypts_once()
    {
        await using var alice = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0], new SecureMessengerOptions { RotateAfterMessages = 1 });
        await using var bob = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        var direct = await CreateAsync(alice, new { kind = "direct", userId = bob.UserId }, bob);
        await alice.SendAsync(direct, "first");
        await bob.WaitForAsync(p => p.Received.Count == 1, "the first message");

        // Alice's send is queued before Bob's new device exists, and runs after: her list of Bob's devices is stale.
        var gate = new TaskCompletionSource();
        var held = alice.Messenger.Connection.RunAsync(() => gate.Task);
        var second = alice.SendAsync(direct, "second", "second-send");
        await using var tablet = await bob.AnotherDeviceAsync(Chat.RealtimeNodes[0]);
        gate.SetResult();
        await held;
        await second;

        var stale = Assert.Single(alice.Stale);
        Assert.Equal(bob.UserId, stale.UserId);
        Assert.Equal([tablet.DeviceId], stale.Missing);
        await bob.WaitForAsync(p => p.Received.Count == 2, "the second message on the phone");
        await tablet.WaitForAsync(p => p.Received.Any(m => m.ClientMessageId == "second-send"), "the second message on the tablet");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Single(bob.Received, m => m.Text == "second");
        Assert.Single(tablet.Received, m => m.Text == "second");
        Assert.Empty(bob.Refused);
    }

    [Fact]
    public async Task Two_devices_on_different_nodes_keep_talking_while_one_reconnects_mid_ratchet()
    {
        var rotateOften = new SecureMessengerOptions { RotateAfterMessages = 3 };
        await using var alice = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0], rotateOften);
        await using var bob = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1], rotateOften);
        var direct = await CreateAsync(alice, new { kind = "direct", userId = bob.UserId }, bob);

        var fromAlice = new List<string>();
        var fromBob = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            if (i == 8)
            {
                // Bob's app loses its node and comes back on the other one, while Alice keeps writing.
                var restarting = bob.RestartAsync(Chat.RealtimeNodes[0]);
                for (var j = 0; j < 4; j++)
                {
                    fromAlice.Add($"a-while-away-{j}");
                    await alice.SendAsync(direct, fromAlice[^1]);
                }

                await restarting;
            }

            fromAlice.Add($"a{i}");
            await alice.SendAsync(direct, fromAlice[^1]);
            fromBob.Add($"b{i}");
            await bob.SendAsync(direct, fromBob[^1]);
        }

        await bob.WaitForAsync(p => p.Received.Count >= fromAlice.Count, "all of alice's messages");
        await alice.WaitForAsync(p => p.Received.Count >= fromBob.Count, "all of bob's messages");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(fromAlice, bob.Received.OrderBy(m => m.Seq).Select(m => m.Text));
        Assert.Equal(fromBob, alice.Received.OrderBy(m => m.Seq).Select(m => m.Text));
        Assert.Empty(alice.Refused.Concat(bob.Refused));
    }

    /// <summary>Creates a conversation as <paramref name="owner"/>, which each of <paramref name="members"/>, strangers to the owner, then joins.</summary>
    private async Task<Guid> CreateAsync(Party owner, object request, params Party[] members)
    {
        using var rest = await owner.RestAsync();
        var response = await rest.PostAsync("/api/conversations", request);
        var id = (await ApiClient.ReadAsync<JsonElement>(response, response.StatusCode)).GetProperty("id").GetGuid();
        foreach (var member in members)
        {
            using var memberRest = await member.RestAsync();
            await Conversations.AnswerAsync(memberRest, id);
        }

        return id;
    }

    private static async Task<List<MessageEvent>> HistoryAsync(Party party, Guid conversation)
    {
        using var rest = await party.RestAsync();
        var page = await ApiClient.ReadAsync<JsonElement>(await rest.GetAsync($"/api/conversations/{conversation}/messages?afterSeq=0&limit=200"));
        return page.GetProperty("messages").Deserialize<List<MessageEvent>>(JsonSerializerOptions.Web)!;
    }

    /// <summary>Hands an event to the device's messenger as its connection would, on its apply queue.</summary>
    private static Task DeliverAsync(Party party, MessageEvent message) =>
        party.Messenger.Connection.RunAsync(() => ((IEventSink)party.Messenger).OnMessageAsync(message));

    /// <summary>A member whose device published keys and a push token, then went offline: pushes go to it.</summary>
    private async Task<(Guid UserId, string PushToken, string AccessToken)> OfflineWithPushAsync()
    {
        var carol = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        var token = $"carol-{Guid.NewGuid():N}";
        using (var rest = await carol.RestAsync())
        {
            await ApiClient.ReadAsync<JsonElement>(await rest.PostAsync("/api/devices", new { platform = "android", pushToken = token }));
        }

        var access = await carol.Api.AccessTokenAsync(TestContext.Current.CancellationToken);
        await carol.DisposeAsync();
        return (carol.UserId, token, access);
    }

    /// <summary>Every text-like column of every table in the database, scanned for <paramref name="needle"/>: "table.column" where found.</summary>
    private async Task<List<string>> TextColumnsContainingAsync(string needle)
    {
        await using var db = new NpgsqlConnection(await Chat.ConnectionStringAsync("chatdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        var columns = new List<(string Table, string Column)>();
        await using (var list = new NpgsqlCommand("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
            """, db))
        await using (var reader = await list.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Contains(columns, c => c == ("messages", "content"));
        var found = new List<string>();
        foreach (var (table, column) in columns)
        {
            var asText = $"encode(\"{column}\"::bytea, 'escape')";
            await using var scan = new NpgsqlCommand(
                $"SELECT EXISTS (SELECT 1 FROM \"{table}\" WHERE strpos(CASE WHEN pg_typeof(\"{column}\")::text = 'bytea' THEN {asText} ELSE \"{column}\"::text END, @needle) > 0)", db);
            scan.Parameters.AddWithValue("needle", needle);
            if (await scan.ExecuteScalarAsync(TestContext.Current.CancellationToken) is true)
            {
                found.Add($"{table}.{column}");
            }
        }

        return found;
    }
}
