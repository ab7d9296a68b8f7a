namespace Chat.Data.Conversations;

public sealed class Conversation
{
    public Guid Id { get; init; }
    public ConversationKind Kind { get; init; }
    public string? Title { get; set; }

    /// <summary>For direct conversations, the two user ids in order: a unique index keeps one conversation per pair.</summary>
    public string? DirectKey { get; init; }

    public Guid CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The seq of the newest event. Incremented in the transaction that inserts the event, so seqs have no gaps.</summary>
    public long LastSeq { get; set; }

    public DateTimeOffset LastActivityAt { get; set; }

    public List<ConversationMember> Members { get; init; } = [];

    public static string DirectKeyOf(Guid a, Guid b) => a.CompareTo(b) < 0 ? $"{a:N}:{b:N}" : $"{b:N}:{a:N}";
}

public enum ConversationKind
{
    Direct = 1,
    Group = 2,
}
