namespace Chat.Messaging.Errors;

/// <summary>What a domain call returns: its value, or the <see cref="ChatError"/> it was refused with.</summary>
public readonly record struct Outcome<T>(T Value, ChatError? Error)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(ChatError error) => new(default!, error);
}
