using System.ComponentModel.DataAnnotations;

namespace Chat.Messaging.Messages;

public sealed class GroupCommitOptions
{
    public const string SectionName = "GroupCommit";

    /// <summary>
    /// Writers that commit side by side in this process, each on its own PostgreSQL session; a conversation always
    /// goes to the same one. One is the default: much of what a commit costs PostgreSQL does not grow with its size,
    /// so one writer's larger batches cost less per message than two writers' smaller ones, and every process that
    /// sends messages already brings a writer of its own. More help only where PostgreSQL has cores to spare and the
    /// commit's round trip, not its CPU, limits the rate.
    /// </summary>
    [Range(1, 64)]
    public int Writers { get; set; } = 1;
}
