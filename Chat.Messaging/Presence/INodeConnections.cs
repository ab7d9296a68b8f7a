namespace Chat.Messaging.Presence;

/// <summary>The connections a realtime node holds now, so it can register them again after it was taken for dead.</summary>
public interface INodeConnections
{
    IReadOnlyList<(Guid UserId, Guid DeviceId, string ConnectionId)> All();

    /// <summary>Whether the connection is still open here.</summary>
    bool Holds(Guid userId, string connectionId);
}
