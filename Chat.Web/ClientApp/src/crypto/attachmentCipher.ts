import type { Bytes } from "./bytes";

// docs/e2ee.md, "Attachments": a random AES-256-GCM key per file, 64 KiB chunks each sealed alone, the chunk's
// index and a last-chunk flag in the nonce. Chat.Client.Crypto.AttachmentCipher is the same.

export const chunkSize = 64 * 1024;
const tagLength = 16;

function nonce(index: number, last: boolean): Bytes {
  const bytes = new Uint8Array(12);
  bytes[3] = last ? 1 : 0;
  new DataView(bytes.buffer).setBigUint64(4, BigInt(index));
  return bytes;
}

export function newFileKey(): Bytes {
  return crypto.getRandomValues(new Uint8Array(32));
}

export async function encryptFile(key: Bytes, plaintext: Bytes): Promise<Bytes> {
  const aes = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  const chunks = Math.max(1, Math.ceil(plaintext.length / chunkSize));
  const output = new Uint8Array(plaintext.length + chunks * tagLength);
  for (let i = 0; i < chunks; i++) {
    const chunk = plaintext.subarray(i * chunkSize, Math.min(plaintext.length, (i + 1) * chunkSize));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce(i, i === chunks - 1) }, aes, chunk));
    output.set(sealed, i * (chunkSize + tagLength));
  }
  return output;
}

/** Throws when the bytes were changed, reordered or cut short, or the key is wrong. */
export async function decryptFile(key: Bytes, ciphertext: Bytes): Promise<Bytes> {
  const aes = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  const sealedChunk = chunkSize + tagLength;
  const chunks = Math.max(1, Math.ceil(ciphertext.length / sealedChunk));
  const output = new Uint8Array(ciphertext.length - chunks * tagLength);
  for (let i = 0; i < chunks; i++) {
    const sealed = ciphertext.subarray(i * sealedChunk, Math.min(ciphertext.length, (i + 1) * sealedChunk));
    output.set(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce(i, i === chunks - 1) }, aes, sealed)), i * chunkSize);
  }
  return output;
}
