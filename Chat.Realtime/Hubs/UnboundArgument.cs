namespace Chat.Realtime.Hubs;

/// <summary>
/// Stands in for a hub method argument the protocol could not read into its type (<see cref="ClientErrorProtocol"/>),
/// so that <see cref="ArgumentFilter"/> can refuse the call with <c>invalid_argument</c> naming what was wrong.
/// </summary>
/// <param name="Member">The argument's member at fault, as the client spelled it; null when the argument as a whole is.</param>
public sealed record UnboundArgument(string? Member, string Problem);
