namespace Chat.Client.E2ee;

public sealed class SecureMessengerOptions
{
    /// <summary>A sender key is replaced after this many messages (as Megolm's rotation), besides every membership or device change and reconnect.</summary>
    public int RotateAfterMessages { get; set; } = 100;

    /// <summary>One-time prekeys published at first start, and again whenever the server says fewer than 10 are left.</summary>
    public int PrekeyBatch { get; set; } = 50;
}
