using System.ComponentModel.DataAnnotations;

namespace Chat.Realtime.Hubs;

/// <summary>
/// Per-user token buckets for hub calls and connection attempts on one node; docs/protocol.md lists them. A user's
/// devices on two nodes draw from two buckets: the limits exist to stop floods, not to meter exactly.
/// </summary>
public sealed class HubBudgetOptions : IValidatableObject
{
    public const string SectionName = "HubBudgets";

    /// <summary>SendMessage, EditMessage, DeleteMessage and SendToDevices: each is a commit and a fan-out.</summary>
    [Required]
    public Budget Writes { get; set; } = new() { PerSecond = 20, Burst = 50 };

    /// <summary>Typing: a membership check and a fan-out to up to every member.</summary>
    [Required]
    public Budget Typing { get; set; } = new() { PerSecond = 2, Burst = 10 };

    /// <summary>MarkDelivered, MarkRead and AckDeviceMessages.</summary>
    [Required]
    public Budget Receipts { get; set; } = new() { PerSecond = 20, Burst = 100 };

    /// <summary>Sync and SyncDeviceMessages: a query per page.</summary>
    [Required]
    public Budget Sync { get; set; } = new() { PerSecond = 10, Burst = 50 };

    /// <summary>StartCall: each rings every device of its invitees, and may push to them.</summary>
    [Required]
    public Budget Calls { get; set; } = new() { PerSecond = 1, Burst = 5 };

    /// <summary>AcceptCall, RejectCall, CancelCall, HangUp and SendCallSignal: ICE candidates come in bursts.</summary>
    [Required]
    public Budget CallSignals { get; set; } = new() { PerSecond = 50, Burst = 200 };

    /// <summary>Connection attempts (negotiate and connect): each writes presence and may announce it to every contact.</summary>
    [Required]
    public Budget Connects { get; set; } = new() { PerSecond = 1, Burst = 20 };

    /// <summary>Open connections of one user on one node: a phone, a laptop, a few tabs.</summary>
    [Range(1, 1000)]
    public int MaxConnectionsPerUser { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        foreach (var (name, budget) in new[] { (nameof(Writes), Writes), (nameof(Typing), Typing), (nameof(Receipts), Receipts), (nameof(Sync), Sync), (nameof(Calls), Calls), (nameof(CallSignals), CallSignals), (nameof(Connects), Connects) })
        {
            if (!Validator.TryValidateObject(budget, new ValidationContext(budget), results, validateAllProperties: true))
            {
                results.Add(new ValidationResult($"{SectionName}:{name} needs PerSecond and Burst from 1 to 100000.", [name]));
            }
        }

        return results;
    }

    public sealed class Budget
    {
        [Range(1, 100_000)]
        public int PerSecond { get; set; }

        [Range(1, 100_000)]
        public int Burst { get; set; }
    }
}
