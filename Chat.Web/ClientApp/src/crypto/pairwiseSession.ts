import { type Bytes, concat, CryptoFailure, equal, utf8 } from "./bytes";
import { chainStep, messageKeys, open, rootStep, seal } from "./kdf";
import { agree, type AgreementKeyPair, generateAgreement } from "./p256";
import { encodeSessionMessage, type SessionMessage, sessionHeader, type X3dhHeader } from "./sessionMessage";
import { type PrekeyBundle, x3dhInitiate, x3dhRespond } from "./x3dh";

const maxSkip = 1000;
const maxKeptSkipped = 2000;
const maxPastRatchetKeys = 50;
const messageInfo = utf8("Chat Session Message v1");

interface SkippedKey {
  ratchetKey: Bytes;
  counter: number;
  messageKey: Bytes;
}

/** The state of one Double Ratchet session, plain data (IndexedDB stores it as it is, CryptoKeys included). */
export interface SessionState {
  associatedData: Bytes;
  remoteIdentityKey: Bytes;
  rootKey: Bytes;
  sendingRatchet: AgreementKeyPair;
  receivingRatchetKey: Bytes | null;
  sendingChainKey: Bytes | null;
  receivingChainKey: Bytes | null;
  sendCount: number;
  receiveCount: number;
  previousSendCount: number;
  skipped: SkippedKey[];
  pastReceivingRatchetKeys: Bytes[];
  /** The X3DH header the initiator repeats until the first answer; null after, and for a responder. */
  pendingOpening: X3dhHeader | null;
  /** The initiator's ephemeral key: a repeated opening finds its session by it. */
  openingEphemeralKey: Bytes | null;
}

/** Opens a session as the initiator (ratchet fixed only by test vectors). */
export async function initiateSession(identity: AgreementKeyPair, ephemeral: AgreementKeyPair, bundle: PrekeyBundle,
  ratchet?: AgreementKeyPair): Promise<SessionState> {
  const secret = await x3dhInitiate(identity, ephemeral, bundle);
  const sendingRatchet = ratchet ?? (await generateAgreement());
  const [rootKey, chainKey] = await rootStep(secret, await agree(sendingRatchet, bundle.signedPrekey));
  return {
    associatedData: concat(identity.publicKey, bundle.identityKey),
    remoteIdentityKey: bundle.identityKey,
    rootKey,
    sendingRatchet,
    receivingRatchetKey: bundle.signedPrekey,
    sendingChainKey: chainKey,
    receivingChainKey: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: [],
    pastReceivingRatchetKeys: [],
    pendingOpening: { identityKey: identity.publicKey, ephemeralKey: ephemeral.publicKey, signedPrekeyId: bundle.signedPrekeyId, oneTimePrekeyId: bundle.oneTimePrekeyId },
    openingEphemeralKey: ephemeral.publicKey,
  };
}

/** The responder's side of an opening message; its first ratchet key pair is its signed prekey. */
export async function respondSession(identity: AgreementKeyPair, signedPrekey: AgreementKeyPair, oneTimePrekey: AgreementKeyPair | null,
  opening: X3dhHeader): Promise<SessionState> {
  return {
    associatedData: concat(opening.identityKey, identity.publicKey),
    remoteIdentityKey: opening.identityKey,
    rootKey: await x3dhRespond(identity, signedPrekey, oneTimePrekey, opening.identityKey, opening.ephemeralKey),
    sendingRatchet: signedPrekey,
    receivingRatchetKey: null,
    sendingChainKey: null,
    receivingChainKey: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: [],
    pastReceivingRatchetKeys: [],
    pendingOpening: null,
    openingEphemeralKey: opening.ephemeralKey,
  };
}

/** Encrypts the next message; `boundTo` is what it is bound to beyond the session (devices, client id). */
export async function sessionEncrypt(session: SessionState, plaintext: Uint8Array, boundTo: Uint8Array): Promise<Bytes> {
  if (!session.sendingChainKey) throw new Error("A responder sends only after the first message arrived.");
  const [messageKey, next] = await chainStep(session.sendingChainKey);
  const header = { opening: session.pendingOpening, ratchetKey: session.sendingRatchet.publicKey, previousChainLength: session.previousSendCount, counter: session.sendCount };
  const ciphertext = await seal(await messageKeys(messageKey, messageInfo), plaintext, concat(session.associatedData, boundTo, sessionHeader(header)));
  session.sendingChainKey = next;
  session.sendCount++;
  return encodeSessionMessage({ ...header, ciphertext });
}

/**
 * Decrypts on a copy of the state and returns the new state with the plaintext: a tampered, replayed or malformed
 * message (a CryptoFailure) leaves the caller's state as it was.
 */
export async function sessionDecrypt(session: SessionState, message: SessionMessage, boundTo: Uint8Array,
  newRatchet: () => Promise<AgreementKeyPair> = generateAgreement): Promise<{ state: SessionState; plaintext: Bytes }> {
  const work: SessionState = { ...session, skipped: [...session.skipped], pastReceivingRatchetKeys: [...session.pastReceivingRatchetKeys] };
  let messageKey: Bytes;
  const skippedIndex = work.skipped.findIndex((s) => s.counter === message.counter && equal(s.ratchetKey, message.ratchetKey));
  if (skippedIndex >= 0) {
    messageKey = work.skipped[skippedIndex].messageKey;
    work.skipped.splice(skippedIndex, 1);
  } else {
    if (!work.receivingRatchetKey || !equal(message.ratchetKey, work.receivingRatchetKey)) {
      if (work.pastReceivingRatchetKeys.some((k) => equal(k, message.ratchetKey))) {
        throw new CryptoFailure("Replayed", "A message of a chain this session has moved past, whose key was used.");
      }
      await skipTo(work, message.previousChainLength);
      await turnRatchet(work, message.ratchetKey, newRatchet);
    }
    if (!work.receivingChainKey) throw new CryptoFailure("Malformed", "No receiving chain for this ratchet key.");
    if (message.counter < work.receiveCount) throw new CryptoFailure("Replayed", "This message's key was used already.");
    await skipTo(work, message.counter);
    [messageKey, work.receivingChainKey] = await chainStep(work.receivingChainKey!);
    work.receiveCount++;
  }
  const plaintext = await open(await messageKeys(messageKey, messageInfo), message.ciphertext, concat(work.associatedData, boundTo, sessionHeader(message)));
  work.pendingOpening = null;
  return { state: work, plaintext };
}

async function skipTo(work: SessionState, counter: number): Promise<void> {
  if (!work.receivingChainKey) return;
  if (counter > work.receiveCount + maxSkip) throw new CryptoFailure("Malformed", "Too many messages skipped.");
  while (work.receiveCount < counter) {
    const [messageKey, next] = await chainStep(work.receivingChainKey);
    work.skipped.push({ ratchetKey: work.receivingRatchetKey!, counter: work.receiveCount, messageKey });
    work.receivingChainKey = next;
    work.receiveCount++;
  }
  if (work.skipped.length > maxKeptSkipped) work.skipped.splice(0, work.skipped.length - maxKeptSkipped);
}

async function turnRatchet(work: SessionState, remoteRatchetKey: Bytes, newRatchet: () => Promise<AgreementKeyPair>): Promise<void> {
  work.previousSendCount = work.sendCount;
  work.sendCount = 0;
  work.receiveCount = 0;
  if (work.receivingRatchetKey) {
    work.pastReceivingRatchetKeys.push(work.receivingRatchetKey);
    if (work.pastReceivingRatchetKeys.length > maxPastRatchetKeys) work.pastReceivingRatchetKeys.shift();
  }
  work.receivingRatchetKey = remoteRatchetKey;
  [work.rootKey, work.receivingChainKey] = await rootStep(work.rootKey, await agree(work.sendingRatchet, remoteRatchetKey));
  work.sendingRatchet = await newRatchet();
  [work.rootKey, work.sendingChainKey] = await rootStep(work.rootKey, await agree(work.sendingRatchet, remoteRatchetKey));
}
