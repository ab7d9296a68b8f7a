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

    [Fact]
    public void A_gap_is_reported_once_after_the_timeout_and_its_fill_releases_what_waited()
    {
        Assert.Equal([1L], Seqs(_sequencer.Accept(Event(1), Now)));
        Assert.Empty(_sequencer.Accept(Event(3), Now));
        Assert.Empty(_sequencer.Tick(Now + GapTimeout / 2).Gaps);

        var gap = Assert.Single(_sequencer.Tick(Now + GapTimeout).Gaps);
        Assert.Equal((2L, 2L), (gap.FromSeq, gap.ToSeq));
        Assert.Empty(_sequencer.Tick(Now + GapTimeout * 2).Gaps);

        Assert.Equal([2L, 3L], Seqs(_sequencer.Fill(gap, [Event(2)], Now + GapTimeout * 2)));
        Assert.Equal([4L], Seqs(_sequencer.Accept(Event(4), Now + GapTimeout * 2)));
    }

    [Fact]
    public void A_second_gap_left_after_a_fill_is_reported_in_its_turn()
    {
        Assert.Equal([1L], Seqs(_sequencer.Accept(Event(1), Now)));
        Assert.Empty(_sequencer.Accept(Event(3), Now));
        Assert.Empty(_sequencer.Accept(Event(5), Now));
        var first = Assert.Single(_sequencer.Tick(Now + GapTimeout).Gaps);
        Assert.Equal((2L, 2L), (first.FromSeq, first.ToSeq));

        // The fill brings 2 only: 3 follows, and 5 now waits for 4, a gap of its own with its own timeout.
        var filled = Now + GapTimeout * 2;
        Assert.Equal([2L, 3L], Seqs(_sequencer.Fill(first, [Event(2)], filled)));
        Assert.Empty(_sequencer.Tick(filled + GapTimeout / 2).Gaps);
        var second = Assert.Single(_sequencer.Tick(filled + GapTimeout).Gaps);
        Assert.Equal((4L, 4L), (second.FromSeq, second.ToSeq));
        Assert.Equal([4L, 5L], Seqs(_sequencer.Fill(second, [Event(4)], filled + GapTimeout)));
    }

    [Fact]
    public void A_conversation_unused_past_the_idle_expiry_is_forgotten_and_one_in_use_is_not()
    {
        var used = Guid.NewGuid();
        Assert.Equal([1L], Seqs(_sequencer.Accept(Event(1), Now)));
        Assert.Equal([1L], Seqs(_sequencer.Accept(Event(1, conversation: used), Now)));
        _sequencer.Tick(Now + TimeSpan.FromMinutes(5));
        Assert.Equal([2L], Seqs(_sequencer.Accept(Event(2, conversation: used), Now + TimeSpan.FromMinutes(5))));

        // Ten minutes after its last event the first is forgotten: seq 2 is a first sight mid-sequence again, held
        // for the window; the other, used five minutes ago, still knows where it stands.
        var later = Now + TimeSpan.FromMinutes(11);
        _sequencer.Tick(later);
        Assert.Empty(_sequencer.Accept(Event(2), later));
        Assert.Equal([3L], Seqs(_sequencer.Accept(Event(3, conversation: used), later)));
    }

    [Fact]
    public void A_conversation_idle_past_the_expiry_is_forgotten_when_its_next_event_comes_though_no_tick_ran()
    {
        // The node ticks only while it holds something back, so an idle node may not tick at all for hours.
        Assert.Equal([1L], Seqs(_sequencer.Accept(Event(1), Now)));
        Assert.False(_sequencer.HoldsBack);

        // Seq 3 eleven minutes later is a first sight mid-sequence, released after the window; were seq 1's position
        // still held, it would wait for seq 2 as a gap until the gap timeout and a read from PostgreSQL.
        var later = Now + TimeSpan.FromMinutes(11);
        Assert.Empty(_sequencer.Accept(Event(3), later));
        Assert.True(_sequencer.HoldsBack);
        var (ready, gaps) = _sequencer.Tick(later + FirstSightWindow);
        Assert.Equal([3L], Seqs(ready));
        Assert.Empty(gaps);
        Assert.False(_sequencer.HoldsBack);
    }

    private static FanoutEnvelope Event(long seq, DateTimeOffset? predecessorSentAt = null, Guid? conversation = null) =>
        new(new Chat.Messaging.Messages.MessageEvent(Guid.NewGuid(), conversation ?? Conversation, seq, "text", Guid.NewGuid(), Guid.NewGuid(), $"c{seq}", "content", null, Now),
            [Guid.NewGuid()], null, predecessorSentAt);

    private static long[] Seqs(IEnumerable<FanoutEnvelope> envelopes) => envelopes.Select(e => e.Event.Seq).ToArray();
}
