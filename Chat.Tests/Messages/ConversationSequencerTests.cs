using Chat.Messaging.Fanout;
using Chat.Messaging.Redis;

namespace Chat.Tests.Messages;

[Trait("Category", "Unit")]
public sealed class ConversationSequencerTests
{
    private static readonly TimeSpan FirstSightWindow = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan GapTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Conversation = Guid.NewGuid();

    private readonly ConversationSequencer _sequencer = new(FirstSightWindow, GapTimeout, TimeSpan.FromMinutes(10));

    [Fact]
    public void A_conversation_first_seen_at_seq_1_is_delivered_at_once()
    {
        Assert.Equal([1L], Seqs(_sequencer.Accept(Event(1), Now)));
    }

    [Fact]
    public void A_conversation_first_seen_mid_sequence_after_a_long_settled_predecessor_is_delivered_at_once()
    {
        Assert.Equal([7L], Seqs(_sequencer.Accept(Event(7, predecessorSentAt: Now - TimeSpan.FromMinutes(15)), Now)));
        Assert.Equal([8L], Seqs(_sequencer.Accept(Event(8, predecessorSentAt: Now), Now)));
    }

    [Fact]
    public void A_conversation_first_seen_mid_sequence_after_a_recent_predecessor_waits_for_it_within_the_window()
    {
        Assert.Empty(_sequencer.Accept(Event(7, predecessorSentAt: Now - TimeSpan.FromMilliseconds(5)), Now));
        Assert.Empty(_sequencer.Tick(Now + FirstSightWindow / 2).Ready);

        Assert.Equal([6L, 7L], Seqs(_sequencer.Accept(Event(6, predecessorSentAt: Now - TimeSpan.FromSeconds(30)), Now + FirstSightWindow / 2)));
    }

    [Fact]
    public void Without_a_predecessor_time_a_conversation_first_seen_mid_sequence_waits_out_the_window()
    {
        Assert.Empty(_sequencer.Accept(Event(7), Now));
        Assert.Empty(_sequencer.Tick(Now + FirstSightWindow / 2).Ready);
        Assert.Equal([7L], Seqs(_sequencer.Tick(Now + FirstSightWindow).Ready));
    }

    private static FanoutEnvelope Event(long seq, DateTimeOffset? predecessorSentAt = null) =>
        new(new Chat.Messaging.Messages.MessageEvent(Guid.NewGuid(), Conversation, seq, "text", Guid.NewGuid(), Guid.NewGuid(), $"c{seq}", "content", null, Now),
            [Guid.NewGuid()], null, predecessorSentAt);

    private static long[] Seqs(IEnumerable<FanoutEnvelope> envelopes) => envelopes.Select(e => e.Event.Seq).ToArray();
}
