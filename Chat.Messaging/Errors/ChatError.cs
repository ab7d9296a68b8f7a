namespace Chat.Messaging.Errors;

/// <summary>
/// Why a call was refused, worded once for every adapter: the hub sends "<see cref="Code"/>: <see cref="Message"/>"
/// as the call's error, the REST API a problem with <see cref="Status"/>, the message as its detail and the code as
/// its <c>code</c> member. A <see cref="Field"/> names the argument at fault (a 400's <c>errors</c> key);
/// <see cref="Extensions"/> are members a client reads from the problem (the hub's message spells them out).
/// </summary>
public sealed record ChatError(string Code, int Status, string Message, string? Field = null, IReadOnlyDictionary<string, object?>? Extensions = null);
