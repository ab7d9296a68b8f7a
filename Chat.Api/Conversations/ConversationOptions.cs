using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Conversations;

public sealed class ConversationOptions
{
    public const string SectionName = "Conversations";

    /// <summary>The largest group, its owner included. Fan-out cost grows with it; see docs/benchmarks.md.</summary>
    [Range(2, 100_000)]
    public int MaxGroupMembers { get; set; } = 1000;

    /// <summary>People one user may bring into conversations per hour (<see cref="InvitationBudget"/>).</summary>
    [Range(1, 1_000_000)]
    public int MaxInvitationsPerHour { get; set; } = 2000;

    /// <summary>Direct conversations one user may start with strangers (message requests) in any 24 hours (<see cref="CreationLimits"/>).</summary>
    [Range(1, 100_000)]
    public int MaxRequestsPerDay { get; set; } = 20;

    /// <summary>Groups one user may create in any 24 hours (<see cref="CreationLimits"/>).</summary>
    [Range(1, 100_000)]
    public int MaxGroupsPerDay { get; set; } = 20;

    /// <summary>The most conversations one page of the list holds.</summary>
    public const int MaxPageSize = 200;

    public const int DefaultPageSize = 50;
}
