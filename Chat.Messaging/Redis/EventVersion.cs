namespace Chat.Messaging.Redis;

/// <summary>
/// Where a user event stands in a sequence of changes: <see cref="Value"/> of the Redis counter
/// <see cref="Counter"/> when it was published (a user's presence transitions). A later value supersedes it.
/// </summary>
public sealed record EventVersion(string Counter, long Value);
