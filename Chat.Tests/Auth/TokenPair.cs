namespace Chat.Tests.Auth;

/// <summary>The API's token response as a client sees it on the wire.</summary>
public sealed record TokenPair(Guid UserId, Guid DeviceId, string AccessToken, string RefreshToken, int ExpiresIn);
