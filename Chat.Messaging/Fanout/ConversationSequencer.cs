using Chat.Messaging.Redis;

namespace Chat.Messaging.Fanout;

/// <summary>
/// Puts each conversation's events back in seq order on this node. Events are committed in seq order, but they
/// are published by whichever process committed them, so two senders on two nodes can be seen out of order.
/// The sequencer holds an event until its predecessors arrive; a gap that lasts past the gap timeout (a publisher
/// died between commit and publish) is reported so the caller can read the missing events from PostgreSQL. Takes
/// time as an input, so it is tested alone. Not thread-safe: <see cref="MessageSubscription"/> is its only user.
/// </summary>
public sealed class ConversationSequencer(TimeSpan firstSightWindow, TimeSpan gapTimeout, TimeSpan idleExpiry)
{
    public sealed record Gap(Guid ConversationId, long FromSeq, long ToSeq);

    private sealed class State(Guid id)
    {
        public readonly Guid Id = id;
        public long? Delivered;
        public readonly SortedList<long, FanoutEnvelope> Pending = [];
        public DateTimeOffset? WaitingSince;
        public DateTimeOffset LastUsed;
        public bool GapReported;
    }

    private readonly Dictionary<Guid, State> _conversations = [];

    /// <summary>
    /// The conversations holding events back: the only ones a tick has to look at, and the node ticks only while
    /// there are any. A node holds every conversation its users used within the idle expiry; nearly all of them
    /// wait for nothing.
    /// </summary>
    private readonly HashSet<State> _waiting = [];

    private DateTimeOffset _nextExpiry = DateTimeOffset.MinValue;

    /// <summary>
    /// Whether any conversation holds events back, waiting for a predecessor or its first-sight window: only then
    /// does <see cref="Tick"/> have anything to do.
    /// </summary>
    public bool HoldsBack => _waiting.Count > 0;

    /// <summary>Takes a published event; returns the events now ready, in order.</summary>
    public List<FanoutEnvelope> Accept(FanoutEnvelope envelope, DateTimeOffset now)
    {
        // Ticks stop while nothing is held, so idle conversations are also forgotten here, before the event: one
        // that came back after the expiry starts afresh rather than as a gap since its old position.
        ForgetIdle(now);
        var id = envelope.Event.ConversationId;
        if (!_conversations.TryGetValue(id, out var state))
        {
            _conversations[id] = state = new State(id);
        }

        state.LastUsed = now;
        var seq = envelope.Event.Seq;
        if (seq <= state.Delivered)
        {
            return []; // already delivered, from PostgreSQL after a gap
        }

        state.Pending.TryAdd(seq, envelope);
        if (state.Delivered is null && state.Pending.Keys[0] == seq)
        {
            state.Delivered = FirstSightPosition(envelope, now);
        }

        return Drain(state, now);
    }

    /// <summary>
    /// Called periodically while <see cref="HoldsBack"/>: releases conversations first seen mid-sequence once their
    /// window has passed, and reports gaps that outlived the timeout.
    /// </summary>
    public (List<FanoutEnvelope> Ready, List<Gap> Gaps) Tick(DateTimeOffset now)
    {
        var ready = new List<FanoutEnvelope>();
        var gaps = new List<Gap>();

        // A copy: draining a conversation takes it out of the set.
        foreach (var state in _waiting.ToArray())
        {
            if (state.WaitingSince is not { } since)
            {
                continue;
            }

            if (state.Delivered is null && now - since >= firstSightWindow)
            {
                state.Delivered = state.Pending.Keys[0] - 1;
                ready.AddRange(Drain(state, now));
            }
            else if (state.Delivered is { } delivered && !state.GapReported && now - since >= gapTimeout)
            {
                state.GapReported = true;
                gaps.Add(new Gap(state.Id, delivered + 1, state.Pending.Keys[0] - 1));
            }
        }

        ForgetIdle(now);
        return (ready, gaps);
    }

    /// <summary>Expiry needs no precision: a quarter of the expiry late at most, walked four times per expiry.</summary>
    private void ForgetIdle(DateTimeOffset now)
    {
        if (now < _nextExpiry)
        {
            return;
        }

        _nextExpiry = now + idleExpiry / 4;
        foreach (var state in _conversations.Values.Where(c => c.Pending.Count == 0 && now - c.LastUsed > idleExpiry).ToList())
        {
            _conversations.Remove(state.Id);
        }
    }

    /// <summary>
    /// Takes the events read from PostgreSQL for a reported gap. If some are still missing the sequence moves on
    /// anyway: clients that see a gap in seq call Sync, so a stall here would only delay everything after it.
    /// </summary>
    public List<FanoutEnvelope> Fill(Gap gap, IEnumerable<FanoutEnvelope> found, DateTimeOffset now)
    {
        if (!_conversations.TryGetValue(gap.ConversationId, out var state))
        {
            return [];
        }

        foreach (var envelope in found.Where(e => e.Event.Seq > state.Delivered))
        {
            state.Pending.TryAdd(envelope.Event.Seq, envelope);
        }

        var ready = Drain(state, now);
        if (state.Pending.Count > 0 && state.Delivered < gap.ToSeq)
        {
            state.Delivered = state.Pending.Keys[0] - 1;
            ready.AddRange(Drain(state, now));
        }

        return ready;
    }

    /// <summary>
    /// Where a conversation this node holds no position for starts, judged by its earliest event seen so far:
    /// nothing precedes seq 1; a predecessor sent longer ago than the gap timeout was published long since (were it
    /// lost, clients see the gap in seq and sync); otherwise unknown until the first-sight window has passed, as the
    /// predecessor may still be on its way.
    /// </summary>
    private long? FirstSightPosition(FanoutEnvelope envelope, DateTimeOffset now) => envelope switch
    {
        { Event.Seq: 1 } => 0,
        { PredecessorSentAt: { } before } when now - before > gapTimeout => envelope.Event.Seq - 1,
        _ => null,
    };

    private List<FanoutEnvelope> Drain(State state, DateTimeOffset now)
    {
        var ready = new List<FanoutEnvelope>();
        while (state.Delivered is { } delivered && state.Pending.Count > 0 && state.Pending.Keys[0] <= delivered + 1)
        {
            var next = state.Pending.Values[0];
            state.Pending.RemoveAt(0);
            if (next.Event.Seq == delivered + 1)
            {
                ready.Add(next);
                state.Delivered = next.Event.Seq;
            }
        }

        if (state.Pending.Count == 0)
        {
            state.WaitingSince = null;
            state.GapReported = false;
            _waiting.Remove(state);
        }
        else
        {
            // Events still held after the position moved wait for a new gap, timed from now: with the old start
            // and the old report the new gap would never be reported, and the conversation would stall here.
            if (ready.Count > 0 || state.WaitingSince is null)
            {
                state.WaitingSince = now;
                state.GapReported = false;
            }

            _waiting.Add(state);
        }

        return ready;
    }
}
