import { type Bytes, concat, CryptoFailure, equal, random, utf8, uuidBytes } from "./bytes";
import { conversationBinding } from "./binding";
import { encodeGroupMessage, type GroupMessage, groupHeader, signedType, taggedType, tagLength } from "./groupMessage";
import { chainStep, hmac, messageKeys, open, seal } from "./kdf";
import { generateSigning, sign, type SigningKeyPair, verifies } from "./p256";
import type { SenderKeyDistribution } from "./senderKeyDistribution";

const maxSkip = 2000;
/** Up to this many recipient devices get a tag each; more, and messages are signed. */
export const maxTaggedDevices = 32;
const messageInfo = utf8("Chat Group Message v1");

export interface DeviceTagKey {
  deviceId: string;
  key: Bytes;
}

/**
 * A sender key (Signal's and Megolm's hash ratchet), plain data: on the sending device with its tag keys or
 * signing key pair; on a receiving device with its own tag key or the signing public key.
 */
export interface SenderKeyState {
  conversationId: string;
  distributionId: string;
  senderDeviceId: string;
  chainKey: Bytes;
  iteration: number;
  signing: SigningKeyPair | null;
  tagKeys: DeviceTagKey[] | null;
  signingPublicKey: Bytes | null;
  tagKey: Bytes | null;
  tagIndex: number;
  skipped: Map<number, Bytes>;
}

export function createSenderKey(conversationId: string, senderDeviceId: string): SenderKeyState {
  return {
    conversationId, distributionId: crypto.randomUUID(), senderDeviceId, chainKey: random(32), iteration: 0,
    signing: null, tagKeys: null, signingPublicKey: null, tagKey: null, tagIndex: 0, skipped: new Map(),
  };
}

/** A receiver's copy, from a distribution that came over a session with that very device. */
export function receivedSenderKey(d: SenderKeyDistribution, senderDeviceId: string): SenderKeyState {
  return {
    conversationId: d.conversationId, distributionId: d.distributionId, senderDeviceId, chainKey: d.chainKey,
    iteration: d.iteration, signing: null, tagKeys: null, signingPublicKey: d.signingKey, tagKey: d.tagKey,
    tagIndex: d.tagIndex, skipped: new Map(),
  };
}

/** Fixes who the key is for: fresh tag keys for up to 32 devices, else a signing key (kept once made). */
export async function addressSenderKey(key: SenderKeyState, devices: string[]): Promise<void> {
  if (devices.length <= maxTaggedDevices) {
    key.tagKeys = devices.map((deviceId) => ({ deviceId, key: random(32) }));
    key.signing = null;
  } else {
    key.tagKeys = null;
    key.signing ??= await generateSigning();
  }
}

/** What one recipient device gets: the chain key, and its tag key or the signing public key. */
export function distributionFor(key: SenderKeyState, deviceId: string): SenderKeyDistribution {
  const common = { conversationId: key.conversationId, distributionId: key.distributionId, iteration: key.iteration, chainKey: key.chainKey };
  if (key.signing) return { ...common, signingKey: key.signing.publicKey, tagKey: null, tagIndex: 0 };
  const index = key.tagKeys?.findIndex((t) => t.deviceId === deviceId) ?? -1;
  if (index < 0) throw new Error(`Device ${deviceId} is not among the key's recipients.`);
  return { ...common, signingKey: null, tagKey: key.tagKeys![index].key, tagIndex: index };
}

const keysFor = (key: SenderKeyState, messageKey: Uint8Array) => messageKeys(messageKey, concat(messageInfo, uuidBytes(key.distributionId)));

export async function senderKeyEncrypt(key: SenderKeyState, plaintext: Uint8Array, clientMessageId: string): Promise<Bytes> {
  if (!key.signing && !key.tagKeys) throw new Error("Only the sending device encrypts with its sender key, once addressed.");
  const type = key.signing ? signedType : taggedType;
  const header = groupHeader(type, key.distributionId, key.iteration);
  const binding = conversationBinding(key.conversationId, key.senderDeviceId, clientMessageId);
  const [messageKey, next] = await chainStep(key.chainKey);
  const ciphertext = await seal(await keysFor(key, messageKey), plaintext, concat(binding, header));
  const authenticated = concat(binding, header, ciphertext);
  const message: GroupMessage = { type, distributionId: key.distributionId, iteration: key.iteration, ciphertext, signature: new Uint8Array(0), tags: [] };
  if (key.signing) {
    message.signature = await sign(key.signing, authenticated);
  } else {
    message.tags = await Promise.all(key.tagKeys!.map(async (t) => (await hmac(t.key, authenticated)).slice(0, tagLength)));
  }
  key.chainKey = next;
  key.iteration++;
  return encodeGroupMessage(message);
}

/** Checks the tag or signature first, then decrypts; on failure (a CryptoFailure) the key is unchanged. */
export async function senderKeyDecrypt(key: SenderKeyState, message: GroupMessage, clientMessageId: string): Promise<Bytes> {
  const binding = conversationBinding(key.conversationId, key.senderDeviceId, clientMessageId);
  const header = groupHeader(message.type, message.distributionId, message.iteration);
  const authenticated = concat(binding, header, message.ciphertext);
  if (message.ciphertext.length < 16 || !(await authentic(key, message, authenticated))) {
    throw new CryptoFailure("Tampered", "Its signature or tag does not verify for this sender, conversation and client id.");
  }
  let messageKey: Bytes;
  let chainKey = key.chainKey;
  let iteration = key.iteration;
  const skipped = new Map<number, Bytes>();
  if (message.iteration < key.iteration) {
    const kept = key.skipped.get(message.iteration);
    if (!kept) throw new CryptoFailure("Replayed", "This message's key was used already.");
    messageKey = kept;
  } else {
    if (message.iteration - key.iteration > maxSkip) throw new CryptoFailure("Malformed", "Too many messages skipped.");
    while (iteration < message.iteration) {
      const [passed, next] = await chainStep(chainKey);
      skipped.set(iteration, passed);
      chainKey = next;
      iteration++;
    }
    [messageKey, chainKey] = await chainStep(chainKey);
    iteration++;
  }
  const plaintext = await open(await keysFor(key, messageKey), message.ciphertext, concat(binding, header));
  if (message.iteration < key.iteration) {
    key.skipped.delete(message.iteration);
  } else {
    for (const [at, passed] of skipped) key.skipped.set(at, passed);
    key.chainKey = chainKey;
    key.iteration = iteration;
    for (const at of [...key.skipped.keys()]) if (at + maxSkip < iteration) key.skipped.delete(at);
  }
  return plaintext;
}

async function authentic(key: SenderKeyState, message: GroupMessage, authenticated: Uint8Array): Promise<boolean> {
  if (message.type === taggedType) {
    if (!key.tagKey || key.tagIndex >= message.tags.length) return false;
    return equal((await hmac(key.tagKey, authenticated)).slice(0, tagLength), message.tags[key.tagIndex]);
  }
  return !!key.signingPublicKey && (await verifies(key.signingPublicKey, authenticated, message.signature));
}
