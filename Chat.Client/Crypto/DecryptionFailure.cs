namespace Chat.Client.Crypto;

/// <summary>Why a receiving client refused a ciphertext; it is reported, never shown.</summary>
public enum DecryptionFailure
{
    /// <summary>Not a message of a known format.</summary>
    Malformed,

    /// <summary>The ciphertext, its header, its signature or what it is bound to (conversation, sender, client id) were changed.</summary>
    Tampered,

    /// <summary>Its key was used already: the same message delivered again.</summary>
    Replayed,

    /// <summary>No key for it was ever received (a device added after it was sent, or a member removed before).</summary>
    NoKey,
}

public sealed class DecryptionException(DecryptionFailure failure, string message) : Exception(message)
{
    public DecryptionFailure Failure => failure;
}
