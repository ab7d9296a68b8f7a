import { type Bytes, concat, CryptoFailure, Reader, u32, uuidBytes } from "./bytes";
import { publicKeyLength } from "./p256";

/**
 * A device's sender key for one conversation, as one member device gets it inside a session message: type 1 with
 * the signing public key (many devices), type 2 with that device's tag key and index (up to 32 devices).
 */
export interface SenderKeyDistribution {
  conversationId: string;
  distributionId: string;
  iteration: number;
  chainKey: Bytes;
  signingKey: Bytes | null;
  tagKey: Bytes | null;
  tagIndex: number;
}

const signedPayload = 1;
const taggedPayload = 2;

export function encodeDistribution(d: SenderKeyDistribution): Bytes {
  const common = concat(uuidBytes(d.conversationId), uuidBytes(d.distributionId), u32(d.iteration), d.chainKey);
  return d.signingKey
    ? concat(Uint8Array.of(signedPayload), common, d.signingKey)
    : concat(Uint8Array.of(taggedPayload), common, d.tagKey!, Uint8Array.of(d.tagIndex));
}

export function parseDistribution(payload: Uint8Array): SenderKeyDistribution {
  const reader = new Reader(payload);
  const type = reader.byte();
  if (type !== signedPayload && type !== taggedPayload) throw new CryptoFailure("Malformed", "Unknown payload type.");
  const conversationId = reader.uuid();
  const distributionId = reader.uuid();
  const iteration = reader.u32();
  const chainKey = reader.take(32);
  const parsed: SenderKeyDistribution = type === signedPayload
    ? { conversationId, distributionId, iteration, chainKey, signingKey: reader.take(publicKeyLength), tagKey: null, tagIndex: 0 }
    : { conversationId, distributionId, iteration, chainKey, signingKey: null, tagKey: reader.take(32), tagIndex: reader.byte() };
  if (reader.remaining !== 0) throw new CryptoFailure("Malformed", "Trailing bytes after a sender key distribution.");
  return parsed;
}
