using System.Text;
using Chat.Messaging.Errors;
using Chat.Messaging.Messages;

namespace Chat.Messaging.DeviceMessages;

/// <summary>What a send to devices must be before it is worth a round trip to PostgreSQL.</summary>
public static class DeviceMessageRules
{
    /// <summary>A group's sender key goes to every member device: 1,000 members with a few devices each, over several sends.</summary>
    public const int MaxEnvelopes = 1000;

    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public static ChatError? Check(SendToDevicesRequest request, Guid senderDeviceId)
    {
        if (!MessageRules.IsValidClientMessageId(request.ClientMessageId))
        {
            return ChatErrors.ClientMessageIdInvalid;
        }

        if (request.Envelopes is not { Count: > 0 and <= MaxEnvelopes } envelopes)
        {
            return ChatErrors.Invalid("envelopes", $"envelopes must hold from 1 to {MaxEnvelopes} envelopes.");
        }

        var devices = new HashSet<Guid>();
        for (var i = 0; i < envelopes.Count; i++)
        {
            var field = $"envelopes[{i}]";
            if (envelopes[i] is not { } envelope)
            {
                return ChatErrors.Invalid(field, $"{field} must be an envelope {{userId, deviceId, ciphertext}}.");
            }

            if (envelope.UserId == Guid.Empty)
            {
                return ChatErrors.Invalid($"{field}.userId", "userId is required.");
            }

            if (envelope.DeviceId == Guid.Empty || envelope.DeviceId == senderDeviceId)
            {
                return ChatErrors.Invalid($"{field}.deviceId", "deviceId is required, and is not the sending device.");
            }

            if (!devices.Add(envelope.DeviceId))
            {
                return ChatErrors.Invalid($"{field}.deviceId", "Each device may have one envelope per send.");
            }

            if (string.IsNullOrEmpty(envelope.Ciphertext) || envelope.Ciphertext.Contains('\0'))
            {
                return ChatErrors.Invalid($"{field}.ciphertext", "ciphertext is required and may not contain the NUL character (U+0000).");
            }

            if (Encoding.UTF8.GetByteCount(envelope.Ciphertext) > MessageRules.MaxContentBytes)
            {
                return ChatErrors.TooLarge($"{field}.ciphertext", "ciphertext");
            }
        }

        return null;
    }

    public static ChatError? Check(DeviceSyncRequest request) =>
        request.After < 0 ? ChatErrors.Invalid("after", "after is a device seq, 0 or more.")
        : request.Limit is < 1 or > MaxPageSize ? ChatErrors.Invalid("limit", $"limit must be from 1 to {MaxPageSize}.")
        : null;

    public static ChatError? Check(AckDeviceMessagesRequest request) =>
        request.UpTo is not >= 0 ? ChatErrors.Invalid("upTo", "upTo is required: a device seq, 0 or more.") : null;
}
