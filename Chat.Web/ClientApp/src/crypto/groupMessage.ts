import { type Bytes, concat, CryptoFailure, Reader, u32, uuidBytes } from "./bytes";
import { signatureLength } from "./p256";

/**
 * A conversation message under its sender's sender key (docs/e2ee.md "Conversation messages"): version 1, type 3
 * (signed: ciphertext, then a signature) or 4 (tagged: a count and 16-byte tags, then the ciphertext).
 */
export interface GroupMessage {
  type: number;
  distributionId: string;
  iteration: number;
  ciphertext: Bytes;
  signature: Bytes;
  tags: Bytes[];
}

export const signedType = 3;
export const taggedType = 4;
export const headerLength = 22;
export const tagLength = 16;
const version = 1;

export const groupHeader = (type: number, distributionId: string, iteration: number): Bytes =>
  concat(Uint8Array.of(version, type), uuidBytes(distributionId), u32(iteration));

export function encodeGroupMessage(m: GroupMessage): Bytes {
  const header = groupHeader(m.type, m.distributionId, m.iteration);
  return m.type === signedType
    ? concat(header, m.ciphertext, m.signature)
    : concat(header, Uint8Array.of(m.tags.length), ...m.tags, m.ciphertext);
}

export function parseGroupMessage(bytes: Uint8Array): GroupMessage {
  const reader = new Reader(bytes);
  const messageVersion = reader.byte();
  const type = reader.byte();
  if (messageVersion !== version || (type !== signedType && type !== taggedType)) {
    throw new CryptoFailure("Malformed", "Unknown conversation message version or type.");
  }
  const distributionId = reader.uuid();
  const iteration = reader.u32();
  if (type === signedType) {
    const ciphertext = reader.take(reader.remaining - signatureLength);
    return { type, distributionId, iteration, ciphertext, signature: reader.take(signatureLength), tags: [] };
  }
  const count = reader.byte();
  const tags = Array.from({ length: count }, () => reader.take(tagLength));
  return { type, distributionId, iteration, ciphertext: reader.take(reader.remaining), signature: new Uint8Array(0), tags };
}
