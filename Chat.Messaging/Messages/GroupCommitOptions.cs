using System.ComponentModel.DataAnnotations;

namespace Chat.Messaging.Messages;

public sealed class GroupCommitOptions
{
    public const string SectionName = "GroupCommit";

    /// <summary>
    /// Writers that commit side by side in this process, each on its own PostgreSQL session; a conversation always
    /// goes to the same one. One is the default: every commit costs PostgreSQL a fixed amount of CPU whatever its
    /// size, so one writer's larger batches cost less per message than two writers' smaller ones, and each process
    /// (two realtime nodes and the API at least) already brings a writer of its own. More help only where
    /// PostgreSQL has cores to spare and the commit's round trip, not its CPU, limits the rate.
    /// </summary>
    [Range(1, 64)]
    public int Writers { get; set; } = 1;
}
