import { concat, utf8, uuidBytes } from "./bytes";

// What a ciphertext is bound to (authenticated as associated data), so that the server cannot move it.

/** A conversation message: conversation (16) || sending device (16) || clientMessageId. */
export const conversationBinding = (conversationId: string, senderDeviceId: string, clientMessageId: string) =>
  concat(uuidBytes(conversationId), uuidBytes(senderDeviceId), utf8(clientMessageId));

/** A device message: sending device (16) || recipient device (16) || clientMessageId. */
export const deviceBinding = (senderDeviceId: string, recipientDeviceId: string, clientMessageId: string) =>
  concat(uuidBytes(senderDeviceId), uuidBytes(recipientDeviceId), utf8(clientMessageId));
