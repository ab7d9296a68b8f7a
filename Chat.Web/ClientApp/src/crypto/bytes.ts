// The byte forms of docs/e2ee.md: u32 big-endian, UUIDs as their 16 bytes in text order, base64url without padding.

export type Bytes = Uint8Array<ArrayBuffer>;

export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function u32(value: number): Bytes {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

export const utf8 = (text: string): Bytes => new TextEncoder().encode(text) as Bytes;

export const fromHex = (hex: string): Bytes => new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));

export const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

export const uuidBytes = (uuid: string): Bytes => fromHex(uuid.replaceAll("-", ""));

export function uuidText(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Bytes {
  // A length of 4n+1 is no base64 at all (atob would throw a plain error): malformed, like any other bad input.
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new CryptoFailure("Malformed", "Not base64url.");
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

export const random = (length: number): Bytes => crypto.getRandomValues(new Uint8Array(length));

/** Why a ciphertext was refused (docs/e2ee.md): reported, never shown as a message. */
export type Failure = "Malformed" | "Tampered" | "Replayed" | "NoKey";

export class CryptoFailure extends Error {
  constructor(readonly failure: Failure, message: string) {
    super(`${failure}: ${message}`);
  }
}

/** Reads a message field by field; a field that runs past the end makes the message malformed. */
export class Reader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  take(count: number): Bytes {
    if (count < 0 || count > this.remaining) throw new CryptoFailure("Malformed", "The message is truncated.");
    const taken = this.bytes.slice(this.at, this.at + count);
    this.at += count;
    return taken;
  }

  byte = (): number => this.take(1)[0];

  u32 = (): number => new DataView(this.take(4).buffer).getUint32(0);

  uuid = (): string => uuidText(this.take(16));
}
