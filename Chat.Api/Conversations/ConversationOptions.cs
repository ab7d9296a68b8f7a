using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Conversations;

public sealed class ConversationOptions
{
    public const string SectionName = "Conversations";

    /// <summary>The largest group, its owner included. Fan-out cost grows with it; see docs/benchmarks.md.</summary>
    [Range(2, 100_000)]
    public int MaxGroupMembers { get; set; } = 1000;
}
