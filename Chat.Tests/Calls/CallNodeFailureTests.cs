using Chat.Messaging.Calls;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;

namespace Chat.Tests.Calls;

[Collection(nameof(NodeFailureTests))]
public sealed class CallNodeFailureTests(ChatApp chat) : DistributedTest(chat)
{
    /// <summary>The participant timeout (15 s), a sweep, and room for a loaded machine.</summary>
    private static readonly TimeSpan PeerLossBound = TimeSpan.FromSeconds(15 + 1 + 6);

    [Fact]
    public async Task Calls_end_on_time_when_a_node_dies_and_a_device_that_reconnects_elsewhere_stays_in_its_call()
    {
        var (victim, survivor) = (Chat.RealtimeNodes[0], Chat.RealtimeNodes[1]);

        // Ringing: the caller's node dies.
        var (alice, bob, ringing) = await PairAsync();
        var aliceOnVictim = await ChatClient.ConnectAsync(victim, alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(survivor, bob.Tokens.AccessToken);

        // Answered: one peer's node dies and it does not come back.
        var (carol, dave, lost) = await PairAsync();
        await using var carolClient = await ChatClient.ConnectAsync(survivor, carol.Tokens.AccessToken);
        var daveOnVictim = await ChatClient.ConnectAsync(victim, dave.Tokens.AccessToken);

        // Answered: one peer's node dies and it reconnects to the other node at once.
        var (eve, frank, kept) = await PairAsync();
        var eveOnVictim = await ChatClient.ConnectAsync(victim, eve.Tokens.AccessToken);
        await using var frankClient = await ChatClient.ConnectAsync(survivor, frank.Tokens.AccessToken);

        var ringingCall = await aliceOnVictim.StartCallAsync(ringing);
        var lostCall = await carolClient.StartCallAsync(lost);
        await daveOnVictim.AcceptCallAsync(lostCall.CallId);
        var keptCall = await frankClient.StartCallAsync(kept);
        await eveOnVictim.AcceptCallAsync(keptCall.CallId);
        await bobClient.WaitForCallEventAsync(ringingCall.CallId, CallEventTypes.Ringing);

        Chat.KillRealtimeNode(victim);
        var killedAt = DateTimeOffset.UtcNow;
        await aliceOnVictim.DisposeAsync();
        await daveOnVictim.DisposeAsync();
        await eveOnVictim.DisposeAsync();
        await using var eveAgain = await ChatClient.ConnectAsync(survivor, eve.Tokens.AccessToken);
        await eveAgain.WaitForCallEventAsync(keptCall.CallId, CallEventTypes.State);
        // Her device resumes the call through its new connection: answered with the call as it stands.
        var resumed = await eveAgain.AcceptCallAsync(keptCall.CallId);
        Assert.Equal(CallStates.Active, resumed.State);

        // The ring timeout is kept in Redis and swept by the surviving node.
        await bobClient.WaitForCallEventAsync(ringingCall.CallId, CallEventTypes.Ended, ChatApp.RingTimeout + TimeSpan.FromSeconds(10));
        var missed = bobClient.CallEvent(ringingCall.CallId, CallEventTypes.Ended).Call;
        Assert.Equal(CallOutcomes.Missed, missed.Outcome);
        Assert.InRange(missed.EndedAt!.Value - missed.StartedAt, ChatApp.RingTimeout, ChatApp.RingTimeout + TimeSpan.FromSeconds(5));

        await carolClient.WaitForCallEventAsync(lostCall.CallId, CallEventTypes.Ended, PeerLossBound);
        var ended = carolClient.CallEvent(lostCall.CallId, CallEventTypes.Ended);
        Assert.Equal((CallOutcomes.Completed, dave.Id, dave.Tokens.DeviceId), (ended.Call.Outcome, ended.UserId, ended.DeviceId));
        Assert.True(ended.Call.EndedAt!.Value - killedAt < PeerLossBound, $"ended {ended.Call.EndedAt - killedAt} after the kill");

        // Eve's device is renewed by the survivor now: her call outlives the timeout that ended Dave's.
        await Task.Delay(PeerLossBound - (DateTimeOffset.UtcNow - killedAt), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(frankClient.Calls, e => e.Call.CallId == keptCall.CallId && e.Type is CallEventTypes.Ended or CallEventTypes.Left);
        await eveAgain.SignalAsync(keptCall.CallId, "offer", "ice-restart-offer");
        await frankClient.WaitUntilAsync(c => c.CallSignals.Any(s => s.Data == "ice-restart-offer"));
        await eveAgain.HangUpAsync(keptCall.CallId);

        Assert.Equal(CallOutcomes.Missed, (await bobClient.CallRecordAsync(ringing, ringingCall.CallId)).Outcome);
        Assert.Equal(CallOutcomes.Completed, (await carolClient.CallRecordAsync(lost, lostCall.CallId)).Outcome);
        Assert.Equal(CallOutcomes.Completed, (await frankClient.CallRecordAsync(kept, keptCall.CallId)).Outcome);

        await Chat.RestartRealtimeNodeAsync(victim);
    }

    private async Task<(TestUser Caller, TestUser Callee, Guid Conversation)> PairAsync()
    {
        var caller = await TestUser.RegisterAsync(Chat);
        var callee = await TestUser.RegisterAsync(Chat);
        return (caller, callee, await Conversations.DirectAsync(Chat, caller, callee));
    }
}
