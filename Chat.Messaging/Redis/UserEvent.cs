using System.Text.Json;

namespace Chat.Messaging.Redis;

/// <summary>
/// An event for users wherever they are connected: <see cref="Name"/> is the client event
/// (<see cref="Fanout.ChatEvents"/>), its payload what the client receives. Every node reads every user event, so
/// the payload is decoded (<see cref="ReadPayload"/>) only by a node that holds a connection of one of its users.
/// </summary>
public sealed class UserEvent(string name, IReadOnlyList<Guid> users, JsonElement payload, Guid? device = null, EventVersion? version = null)
{
    public string Name => name;

    public IReadOnlyList<Guid> Users => users;

    /// <summary>When set, the event is for this one device of <see cref="Users"/>' single user, not all their devices.</summary>
    public Guid? Device => device;

    /// <summary>When set, a node drops the event if it has delivered a later version of the same counter.</summary>
    public EventVersion? Version => version;

    /// <exception cref="JsonException">The payload is not one of this version's user events.</exception>
    public object ReadPayload() => RedisWire.ReadUserEventPayload(name, payload);
}
