namespace Chat.ServiceDefaults.Authentication;

/// <summary>
/// Whether a device was signed out while its access tokens are still unexpired. Every service that validates
/// tokens registers one; the messaging domain's answers from Redis.
/// </summary>
public interface IRevokedDeviceCheck
{
    Task<bool> IsRevokedAsync(Guid deviceId);
}
