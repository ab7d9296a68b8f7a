using Chat.Messaging.Calls;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Calls;

public sealed class CallSignalingTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_call_across_nodes_rings_every_callee_device_is_answered_on_one_and_signals_reach_only_the_peer_device()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobLaptopTokens = await bob.LoginAsync(Chat, "laptop");
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobPhone = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var bobLaptop = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], bobLaptopTokens.AccessToken);

        var started = await aliceClient.StartCallAsync(conversation, "video");
        Assert.Equal((CallStates.Ringing, "video", alice.Id, alice.Tokens.DeviceId), (started.State, started.Media, started.CallerId, started.CallerDeviceId));
        Assert.Equal([bob.Id], started.Invitees);
        await bobPhone.WaitForCallEventAsync(started.CallId, CallEventTypes.Ringing);
        await bobLaptop.WaitForCallEventAsync(started.CallId, CallEventTypes.Ringing);

        var answered = await bobPhone.AcceptCallAsync(started.CallId);
        Assert.Equal(CallStates.Active, answered.State);
        Assert.Equal([new CallParticipant(alice.Id, alice.Tokens.DeviceId), new CallParticipant(bob.Id, bob.Tokens.DeviceId)],
            answered.Participants.OrderBy(p => p.UserId == bob.Id));

        // The laptop is told the phone answered ("answered elsewhere") and can no longer answer.
        await aliceClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Joined);
        await bobLaptop.WaitForCallEventAsync(started.CallId, CallEventTypes.Joined);
        var elsewhere = bobLaptop.CallEvent(started.CallId, CallEventTypes.Joined);
        Assert.Equal((bob.Id, bob.Tokens.DeviceId), (elsewhere.UserId, elsewhere.DeviceId));
        Assert.Equal("answered_elsewhere", await CallMethods.RefusedAsync(() => bobLaptop.AcceptCallAsync(started.CallId)));

        // Offer from the device that answered, answer and candidates back: each reaches only the one peer device.
        await bobPhone.SignalAsync(started.CallId, "offer", "v=0 offer-sdp");
        await aliceClient.SignalAsync(started.CallId, "answer", "v=0 answer-sdp", bob.Tokens.DeviceId);
        await aliceClient.SignalAsync(started.CallId, "candidate", """{"candidate":"candidate:1 1 udp 1 192.0.2.1 5000 typ host"}""");
        await bobPhone.SignalAsync(started.CallId, "candidate", """{"candidate":"candidate:2 1 udp 1 192.0.2.2 5001 typ host"}""");
        await aliceClient.WaitUntilAsync(c => c.CallSignals.Count == 2);
        await bobPhone.WaitUntilAsync(c => c.CallSignals.Count == 2);
        Assert.Equal(["offer", "candidate"], aliceClient.CallSignals.Select(s => s.Type));
        Assert.All(aliceClient.CallSignals, s => Assert.Equal((bob.Id, bob.Tokens.DeviceId), (s.FromUserId, s.FromDeviceId)));
        Assert.Equal("v=0 offer-sdp", aliceClient.CallSignals[0].Data);
        Assert.Equal(["answer", "candidate"], bobPhone.CallSignals.Select(s => s.Type));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Empty(bobLaptop.CallSignals);

        var hungUp = await aliceClient.HangUpAsync(started.CallId);
        Assert.Equal((CallStates.Ended, CallOutcomes.Completed), (hungUp.State, hungUp.Outcome));
        await bobPhone.WaitForCallEventAsync(started.CallId, CallEventTypes.Ended);
        await bobLaptop.WaitForCallEventAsync(started.CallId, CallEventTypes.Ended);

        var record = await bobPhone.CallRecordAsync(conversation, started.CallId);
        Assert.Equal((CallOutcomes.Completed, "video"), (record.Outcome, record.Media));
        Assert.NotNull(record.DurationSeconds);
        Assert.Equal(new[] { alice.Id, bob.Id }.Order(), record.Participants.Order());
        var message = Assert.Single(await aliceClient.CallMessagesAsync(conversation)).Message;

        // Written by the server as the caller: the caller's own device gets it live too, as every member's do.
        await aliceClient.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.Kind == "call"));
        await bobLaptop.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.Kind == "call"));
        Assert.Equal((alice.Id, $"call-{started.CallId:N}"), (message.SenderId, message.ClientMessageId));

        // The call is over: the line is free for the next one.
        var again = await bobPhone.StartCallAsync(conversation);
        Assert.Equal(CallStates.Ringing, again.State);
        await bobPhone.CancelCallAsync(again.CallId);
    }

    [Fact]
    public async Task A_callee_in_another_call_is_busy_and_both_conversations_record_what_happened()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var aliceBob = await Conversations.DirectAsync(Chat, alice, bob);
        var carolBob = await Conversations.DirectAsync(Chat, carol, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], carol.Tokens.AccessToken);

        var first = await aliceClient.StartCallAsync(aliceBob);
        await bobClient.AcceptCallAsync(first.CallId);

        var second = await carolClient.StartCallAsync(carolBob);
        Assert.Equal((CallStates.Ended, CallOutcomes.Busy), (second.State, second.Outcome));
        Assert.Equal(CallOutcomes.Busy, (await carolClient.CallRecordAsync(carolBob, second.CallId)).Outcome);
        Assert.DoesNotContain(bobClient.Calls, e => e.Call.CallId == second.CallId && e.Type == CallEventTypes.Ringing);

        // Someone in a call cannot place another.
        var aliceCarol = await Conversations.DirectAsync(Chat, alice, carol);
        Assert.Equal("already_in_call", await CallMethods.RefusedAsync(() => aliceClient.StartCallAsync(aliceCarol)));

        await bobClient.HangUpAsync(first.CallId);
        Assert.Equal(CallOutcomes.Completed, (await aliceClient.CallRecordAsync(aliceBob, first.CallId)).Outcome);
    }

    [Fact]
    public async Task Reject_and_cancel_end_the_call_for_both_sides_with_their_outcome()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobLaptopTokens = await bob.LoginAsync(Chat, "laptop");
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobPhone = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var bobLaptop = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], bobLaptopTokens.AccessToken);

        var rejected = await aliceClient.StartCallAsync(conversation);
        await bobPhone.WaitForCallEventAsync(rejected.CallId, CallEventTypes.Ringing);
        Assert.Equal("not_in_call", await CallMethods.RefusedAsync(() => bobPhone.CancelCallAsync(rejected.CallId)));
        Assert.Equal("not_invited", await CallMethods.RefusedAsync(() => aliceClient.RejectCallAsync(rejected.CallId)));
        var afterReject = await bobPhone.RejectCallAsync(rejected.CallId);
        Assert.Equal((CallStates.Ended, CallOutcomes.Rejected), (afterReject.State, afterReject.Outcome));
        await aliceClient.WaitForCallEventAsync(rejected.CallId, CallEventTypes.Ended);
        await bobLaptop.WaitForCallEventAsync(rejected.CallId, CallEventTypes.Ended);
        Assert.Equal(CallOutcomes.Rejected, aliceClient.CallEvent(rejected.CallId, CallEventTypes.Ended).Call.Outcome);
        Assert.Equal("call_ended", await CallMethods.RefusedAsync(() => bobLaptop.AcceptCallAsync(rejected.CallId)));

        var cancelled = await aliceClient.StartCallAsync(conversation);
        await bobLaptop.WaitForCallEventAsync(cancelled.CallId, CallEventTypes.Ringing);
        await aliceClient.CancelCallAsync(cancelled.CallId);
        await bobPhone.WaitForCallEventAsync(cancelled.CallId, CallEventTypes.Ended);
        await bobLaptop.WaitForCallEventAsync(cancelled.CallId, CallEventTypes.Ended);
        Assert.Equal(CallOutcomes.Cancelled, bobLaptop.CallEvent(cancelled.CallId, CallEventTypes.Ended).Call.Outcome);

        // Cancel is for a call still ringing; an answered one is hung up.
        var answered = await aliceClient.StartCallAsync(conversation);
        await bobLaptop.AcceptCallAsync(answered.CallId);
        Assert.Equal("call_not_ringing", await CallMethods.RefusedAsync(() => aliceClient.CancelCallAsync(answered.CallId)));
        await bobLaptop.HangUpAsync(answered.CallId);
        await aliceClient.WaitForCallEventAsync(answered.CallId, CallEventTypes.Ended);

        Assert.Equal(CallOutcomes.Rejected, (await aliceClient.CallRecordAsync(conversation, rejected.CallId)).Outcome);
        var cancelRecord = await bobPhone.CallRecordAsync(conversation, cancelled.CallId);
        Assert.Equal((CallOutcomes.Cancelled, null), (cancelRecord.Outcome, cancelRecord.DurationSeconds));
        Assert.Equal(CallOutcomes.Completed, (await bobPhone.CallRecordAsync(conversation, answered.CallId)).Outcome);
        Assert.Equal(3, (await aliceClient.CallMessagesAsync(conversation)).Count);
    }

    [Fact]
    public async Task An_unanswered_call_ends_as_missed_after_the_ring_timeout()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);

        var started = await aliceClient.StartCallAsync(conversation);
        await bobClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Ringing);
        await Task.Delay(ChatApp.RingTimeout / 2, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(bobClient.Calls, e => e.Type == CallEventTypes.Ended);

        await bobClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Ended, ChatApp.RingTimeout + TimeSpan.FromSeconds(10));
        await aliceClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Ended);
        var ended = bobClient.CallEvent(started.CallId, CallEventTypes.Ended).Call;
        Assert.Equal(CallOutcomes.Missed, ended.Outcome);
        Assert.InRange(ended.EndedAt!.Value - ended.StartedAt, ChatApp.RingTimeout, ChatApp.RingTimeout + TimeSpan.FromSeconds(5));
        Assert.Equal(CallOutcomes.Missed, (await bobClient.CallRecordAsync(conversation, started.CallId)).Outcome);
    }

    [Fact]
    public async Task A_group_call_rings_the_named_participants_and_others_join_while_it_lasts()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var dave = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol, dave]);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], carol.Tokens.AccessToken);
        await using var daveClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], dave.Tokens.AccessToken);

        var started = await aliceClient.StartCallAsync(group, participants: [bob.Id, carol.Id]);
        Assert.Equal(new[] { bob.Id, carol.Id }.Order(), started.Invitees.Order());
        await bobClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Ringing);
        await carolClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Ringing);
        Assert.Equal("call_in_progress", await CallMethods.RefusedAsync(() => daveClient.StartCallAsync(group)));

        await bobClient.AcceptCallAsync(started.CallId);
        await carolClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Joined);

        // Dave was not rung but is a member: he joins the call in progress, and as the newcomer offers to each device in it.
        var joined = await daveClient.AcceptCallAsync(started.CallId);
        Assert.Equal(3, joined.Participants.Count);
        Assert.Equal("invalid_argument", await CallMethods.RefusedAsync(() => daveClient.SignalAsync(started.CallId, "offer", "sdp")));
        await daveClient.SignalAsync(started.CallId, "offer", "sdp-for-alice", alice.Tokens.DeviceId);
        await daveClient.SignalAsync(started.CallId, "offer", "sdp-for-bob", bob.Tokens.DeviceId);
        await aliceClient.WaitUntilAsync(c => c.CallSignals.Any(s => s.Data == "sdp-for-alice"));
        await bobClient.WaitUntilAsync(c => c.CallSignals.Any(s => s.Data == "sdp-for-bob"));
        Assert.Equal("peer_not_in_call", await CallMethods.RefusedAsync(() => daveClient.SignalAsync(started.CallId, "offer", "sdp", carol.Tokens.DeviceId)));

        // Carol's ringing stops when she declines; the call goes on.
        var declined = await carolClient.RejectCallAsync(started.CallId);
        Assert.Equal(CallStates.Active, declined.State);
        Assert.Equal([carol.Id], declined.Declined);
        await aliceClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Declined);

        // Each leaving device is announced; the last two leaving ends the call.
        await aliceClient.HangUpAsync(started.CallId);
        await bobClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Left);
        await bobClient.HangUpAsync(started.CallId);
        await daveClient.WaitForCallEventAsync(started.CallId, CallEventTypes.Ended);

        var record = await daveClient.CallRecordAsync(group, started.CallId);
        Assert.Equal(CallOutcomes.Completed, record.Outcome);
        Assert.Equal(new[] { alice.Id, bob.Id, dave.Id }.Order(), record.Participants.Order());
    }

    [Fact]
    public async Task Strangers_removed_members_bad_signals_and_call_floods_are_refused_with_their_code()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var mallory = await TestUser.RegisterAsync(Chat);
        var direct = await Conversations.DirectAsync(Chat, alice, bob);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        using (var api = alice.Api(Chat))
        {
            Assert.True((await api.DeleteAsync($"/api/conversations/{group}/members/{carol.Id}")).IsSuccessStatusCode);
        }

        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        await using var malloryClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], mallory.Tokens.AccessToken);

        Assert.Equal("not_member", await CallMethods.RefusedAsync(() => malloryClient.StartCallAsync(direct)));
        Assert.Equal("not_member", await CallMethods.RefusedAsync(() => carolClient.StartCallAsync(group)));
        Assert.Equal("invalid_argument", await CallMethods.RefusedAsync(() => aliceClient.StartCallAsync(direct, media: "hologram")));
        Assert.Equal("invalid_argument", await CallMethods.RefusedAsync(() => aliceClient.StartCallAsync(group, participants: [carol.Id])));

        var call = await aliceClient.StartCallAsync(group);
        Assert.Equal([bob.Id], call.Invitees);
        Assert.Equal("not_member", await CallMethods.RefusedAsync(() => carolClient.AcceptCallAsync(call.CallId)));
        Assert.Equal("not_member", await CallMethods.RefusedAsync(() => malloryClient.AcceptCallAsync(call.CallId)));
        Assert.Equal("call_not_found", await CallMethods.RefusedAsync(() => malloryClient.AcceptCallAsync(Guid.NewGuid())));
        Assert.Equal("invalid_argument", await CallMethods.RefusedAsync(() => aliceClient.StartCallAsync(direct, callId: call.CallId)));
        await bobClient.AcceptCallAsync(call.CallId);

        Assert.Equal("call_not_found", await CallMethods.RefusedAsync(() => malloryClient.SignalAsync(call.CallId, "offer", "sdp")));
        await using (var aliceLaptop = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], (await alice.LoginAsync(Chat, "laptop")).AccessToken))
        {
            Assert.Equal("not_in_call", await CallMethods.RefusedAsync(() => aliceLaptop.SignalAsync(call.CallId, "offer", "sdp")));
        }

        Assert.Equal("content_too_large", await CallMethods.RefusedAsync(() => aliceClient.SignalAsync(call.CallId, "offer", new string('a', 64 * 1024 + 1))));
        Assert.Equal("invalid_argument", await CallMethods.RefusedAsync(() => aliceClient.SignalAsync(call.CallId, "bye", "sdp")));
        Assert.Equal("invalid_argument", await CallMethods.RefusedAsync(() => aliceClient.SignalAsync(call.CallId, "offer", "")));
        await aliceClient.SignalAsync(call.CallId, "offer", new string('a', 64 * 1024));
        await bobClient.WaitUntilAsync(c => c.CallSignals.Count == 1);
        await aliceClient.HangUpAsync(call.CallId);

        // An ended call tells nothing to someone who was not in it.
        Assert.Equal("not_member", await CallMethods.RefusedAsync(() => malloryClient.RejectCallAsync(call.CallId)));
        Assert.Equal("not_in_call", await CallMethods.RefusedAsync(() => malloryClient.HangUpAsync(call.CallId)));
        Assert.Equal("not_in_call", await CallMethods.RefusedAsync(() => malloryClient.CancelCallAsync(call.CallId)));

        // A call attempt rings people: a burst of them is cut off, the connection stays usable.
        var codes = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            codes.Add(await CallMethods.RefusedAsync(() => malloryClient.StartCallAsync(direct)));
        }

        Assert.Contains("rate_limited", codes);
        Assert.Equal(CallOutcomes.Completed, (await aliceClient.CallRecordAsync(group, call.CallId)).Outcome);
    }

    [Fact]
    public async Task A_member_removed_during_a_group_call_drops_out_of_it_and_hears_nothing_more()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);

        var call = await aliceClient.StartCallAsync(group);
        await bobClient.AcceptCallAsync(call.CallId);
        await carolClient.AcceptCallAsync(call.CallId);
        using (var api = alice.Api(Chat))
        {
            Assert.True((await api.DeleteAsync($"/api/conversations/{group}/members/{carol.Id}")).IsSuccessStatusCode);
        }

        // Her node finds her gone from the conversation at its next renewal and takes her device out.
        await aliceClient.WaitUntilAsync(c => c.Calls.Any(e => e.Type == CallEventTypes.Left && e.DeviceId == carol.Tokens.DeviceId), TimeSpan.FromSeconds(20));
        Assert.Equal("call_not_found", await CallMethods.RefusedAsync(() => carolClient.SignalAsync(call.CallId, "offer", "sdp", alice.Tokens.DeviceId)));
        Assert.Equal("not_member", await CallMethods.RefusedAsync(() => carolClient.AcceptCallAsync(call.CallId)));

        var heardBefore = carolClient.Calls.Count;
        await aliceClient.HangUpAsync(call.CallId);
        await bobClient.WaitForCallEventAsync(call.CallId, CallEventTypes.Ended);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(heardBefore, carolClient.Calls.Count);
    }
}
