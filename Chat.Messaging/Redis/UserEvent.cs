namespace Chat.Messaging.Redis;

/// <summary>
/// An event for users wherever they are connected: <see cref="Name"/> is the client event
/// (<see cref="Fanout.ChatEvents"/>), <see cref="Payload"/> what the client receives.
/// </summary>
public sealed record UserEvent(string Name, object Payload, IReadOnlyList<Guid> Users);
