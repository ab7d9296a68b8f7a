import { type Bytes, concat, CryptoFailure, utf8 } from "./bytes";

// The derivations of docs/e2ee.md: HKDF-SHA256 and HMAC-SHA256, each info string versioned.

const zeroSalt = new Uint8Array(32);

export async function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Bytes> {
  const key = await crypto.subtle.importKey("raw", ikm as Bytes, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: salt as Bytes, info: info as Bytes }, key, length * 8);
  return new Uint8Array(bits);
}

export async function hmac(key: Uint8Array, data: Uint8Array): Promise<Bytes> {
  const imported = await crypto.subtle.importKey("raw", key as Bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, data as Bytes));
}

/** X3DH's secret: HKDF(0xFF×32 || DH1 || DH2 || DH3 [|| DH4], salt 0×32, "Chat X3DH v1"), 32 bytes. */
export const x3dhSecret = (dhOutputs: Uint8Array) =>
  hkdf(concat(new Uint8Array(32).fill(0xff), dhOutputs), zeroSalt, utf8("Chat X3DH v1"), 32);

/** The root step: HKDF(dh, salt root key, "Chat Ratchet v1"): the next root key, then a chain key. */
export async function rootStep(rootKey: Uint8Array, dh: Uint8Array): Promise<[Bytes, Bytes]> {
  const out = await hkdf(dh, rootKey, utf8("Chat Ratchet v1"), 64);
  return [out.slice(0, 32), out.slice(32)];
}

/** A chain step: message key HMAC(ck, 0x01), next chain key HMAC(ck, 0x02). */
export async function chainStep(chainKey: Uint8Array): Promise<[Bytes, Bytes]> {
  return [await hmac(chainKey, Uint8Array.of(1)), await hmac(chainKey, Uint8Array.of(2))];
}

export interface MessageKeys {
  key: Bytes;
  nonce: Bytes;
}

/** A message key's AES-256-GCM key and nonce: HKDF(mk, salt 0×32, info), 32 + 12 bytes. */
export async function messageKeys(messageKey: Uint8Array, info: Uint8Array): Promise<MessageKeys> {
  const out = await hkdf(messageKey, zeroSalt, info, 44);
  return { key: out.slice(0, 32), nonce: out.slice(32) };
}

const gcm = (keys: MessageKeys, usage: KeyUsage) => crypto.subtle.importKey("raw", keys.key, "AES-GCM", false, [usage]);

/** AES-256-GCM, the 16-byte tag after the ciphertext. */
export async function seal(keys: MessageKeys, plaintext: Uint8Array, associatedData: Uint8Array): Promise<Bytes> {
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv: keys.nonce, additionalData: associatedData as Bytes }, await gcm(keys, "encrypt"), plaintext as Bytes);
  return new Uint8Array(sealed);
}

export async function open(keys: MessageKeys, sealed: Uint8Array, associatedData: Uint8Array): Promise<Bytes> {
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: keys.nonce, additionalData: associatedData as Bytes }, await gcm(keys, "decrypt"), sealed as Bytes);
    return new Uint8Array(plain);
  } catch {
    throw new CryptoFailure("Tampered", "The ciphertext or what it is bound to was changed.");
  }
}
