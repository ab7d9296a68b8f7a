import { type Bytes, concat, CryptoFailure, Reader, u32 } from "./bytes";
import { publicKeyLength } from "./p256";

/** What an opening message tells the responder: the initiator's keys and which of the responder's prekeys it used. */
export interface X3dhHeader {
  identityKey: Bytes;
  ephemeralKey: Bytes;
  signedPrekeyId: number;
  oneTimePrekeyId: number | null;
}

/** A pairwise message (docs/e2ee.md "Session messages"): version 1, type 1 (opening) or 2, the ratchet header, ciphertext. */
export interface SessionMessage {
  opening: X3dhHeader | null;
  ratchetKey: Bytes;
  previousChainLength: number;
  counter: number;
  ciphertext: Bytes;
}

const version = 1;
const openingType = 1;
const ratchetType = 2;
const noOneTimePrekey = 0xffffffff;

/** Every byte before the ciphertext: authenticated as associated data. */
export function sessionHeader(m: Omit<SessionMessage, "ciphertext">): Bytes {
  const opening = m.opening
    ? [m.opening.identityKey, m.opening.ephemeralKey, u32(m.opening.signedPrekeyId), u32(m.opening.oneTimePrekeyId ?? noOneTimePrekey)]
    : [];
  return concat(Uint8Array.of(version, m.opening ? openingType : ratchetType), ...opening, m.ratchetKey, u32(m.previousChainLength), u32(m.counter));
}

export const encodeSessionMessage = (m: SessionMessage): Bytes => concat(sessionHeader(m), m.ciphertext);

export function parseSessionMessage(bytes: Uint8Array): SessionMessage {
  const reader = new Reader(bytes);
  if (reader.byte() !== version) throw new CryptoFailure("Malformed", "Unknown session message version.");
  const type = reader.byte();
  if (type !== openingType && type !== ratchetType) throw new CryptoFailure("Malformed", "Unknown session message type.");
  let opening: X3dhHeader | null = null;
  if (type === openingType) {
    const identityKey = reader.take(publicKeyLength);
    const ephemeralKey = reader.take(publicKeyLength);
    const signedPrekeyId = reader.u32();
    const oneTime = reader.u32();
    opening = { identityKey, ephemeralKey, signedPrekeyId, oneTimePrekeyId: oneTime === noOneTimePrekey ? null : oneTime };
  }
  const ratchetKey = reader.take(publicKeyLength);
  const previousChainLength = reader.u32();
  const counter = reader.u32();
  return { opening, ratchetKey, previousChainLength, counter, ciphertext: reader.take(reader.remaining) };
}
