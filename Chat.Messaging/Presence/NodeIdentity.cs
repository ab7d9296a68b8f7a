namespace Chat.Messaging.Presence;

/// <summary>This process's name in the presence registry; new on every start, so a restarted node is a new node.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
}
