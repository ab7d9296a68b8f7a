import { api } from "../api/http";
import type { Conversation } from "../api/wire";
import { deviceBinding } from "../crypto/binding";
import { CryptoFailure, equal, type Failure, fromBase64Url, toBase64Url, toHex, utf8 } from "../crypto/bytes";
import { parseGroupMessage } from "../crypto/groupMessage";
import { generateAgreement } from "../crypto/p256";
import { initiateSession, respondSession, sessionDecrypt, sessionEncrypt, type SessionState } from "../crypto/pairwiseSession";
import {
  addressSenderKey, createSenderKey, distributionFor, receivedSenderKey, senderKeyDecrypt, senderKeyEncrypt, type SenderKeyState,
} from "../crypto/senderKey";
import { encodeDistribution, parseDistribution } from "../crypto/senderKeyDistribution";
import { parseSessionMessage } from "../crypto/sessionMessage";
import type { PrekeyBundle } from "../crypto/x3dh";
import { deletePrekey, type DeviceIdentity, loadOrCreateIdentity, newPrekeys, prekey, publishRequest } from "./keyring";
import { KeyStore } from "./keyStore";

/** A message's text as this device can show it. */
export interface Opened {
  text: string | null;
  /** encrypted: decrypted here (or sent from here); plain: it was never encrypted; undecryptable: see failure. */
  security: "encrypted" | "plain" | "undecryptable";
  failure?: Failure;
}

/** The hub calls the messenger makes, on the tab's connection. */
export interface HubCalls {
  invoke<T>(method: string, argument: object): Promise<T>;
  connected(): boolean;
}

interface DeviceMessage {
  seq: number;
  senderId: string;
  senderDeviceId: string;
  clientMessageId: string;
  ciphertext: string;
  sentAt: string;
}

interface KeyBundleJson {
  deviceId: string;
  identityKey: string;
  signingKey: string;
  signedPrekey: { keyId: number; publicKey: string; signature: string };
  oneTimePrekey: { keyId: number; publicKey: string } | null;
}

interface StaleDevices {
  userId: string;
  missing: string[];
  gone: string[];
}

const rotateAfterMessages = 100;
const prekeyBatch = 50;
const lowPrekeys = 10;
const maxEnvelopesPerSend = 100;
const maxRememberedOpenings = 200;
const maxSessionsPerDevice = 5;

const names = {
  published: "keys-published",
  cursor: "device-cursor",
  ownKey: (conversationId: string) => `senderkey-${conversationId}`,
  peerKey: (conversationId: string, senderDeviceId: string, distributionId: string) => `peerkey-${conversationId}-${senderDeviceId}-${distributionId}`,
  sessions: (deviceId: string) => `sessions-${deviceId}`,
  openings: (deviceId: string) => `openings-${deviceId}`,
  plaintext: (messageId: string) => `plain-${messageId}`,
};

/**
 * End-to-end encryption for this browser's device (docs/e2ee.md), as Chat.Client's SecureMessenger does it: each
 * conversation message (and edit) is encrypted once with this device's sender key, which goes to every member
 * device over pairwise Double Ratchet sessions as device messages. Tabs of one sign-in are one device sharing one
 * key store: every change of it runs under one Web Lock, so two tabs never use a message key twice or turn a
 * ratchet from the same state.
 */
export class SecureMessenger {
  private readonly members = new Map<string, string[]>();
  private readonly devices = new Map<string, string[]>();
  private readonly distributed = new Set<string>();
  private lastEnvelopeSync = 0;
  /** Envelopes were applied: lines that waited for a key may open now. */
  onKeysArrived: () => void = () => undefined;
  /** A user's device now has other identity keys than this device's session with it (docs/e2ee.md "Identity keys"). */
  onIdentityChanged: (userId: string) => void = () => undefined;

  private constructor(private readonly me: { userId: string; deviceId: string }, private readonly store: KeyStore,
    private identity: DeviceIdentity, private readonly hub: HubCalls) {}

  /** Loads or creates the device's keys, publishing them until a publication has succeeded. */
  static async start(me: { userId: string; deviceId: string }, hub: HubCalls): Promise<SecureMessenger> {
    const store = new KeyStore(me.deviceId);
    return navigator.locks.request(lockName(me.deviceId), async () => {
      let identity = await loadOrCreateIdentity(store);
      if (!(await store.get<boolean>(names.published))) {
        await api<void>("PUT", "/api/devices/current/keys", publishRequest(identity, await newPrekeys(store, prekeyBatch)));
        await store.put(names.published, true);
        identity = await loadOrCreateIdentity(store);
      }
      return new SecureMessenger(me, store, identity, hub);
    });
  }

  static forget(deviceId: string): Promise<void> {
    return KeyStore.forget(deviceId);
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    return navigator.locks.request(lockName(this.me.deviceId), work);
  }

  // ---- what the live events say ----

  /** Live events in between may have been lost: every key is replaced before its next use. */
  onConnected(): void {
    this.distributed.clear();
    this.devices.clear();
    this.members.clear();
  }

  onDevicesChanged(userId: string): void {
    this.devices.delete(userId);
    for (const [conversationId, members] of this.members) if (members.includes(userId)) this.distributed.delete(conversationId);
    if (![...this.members.values()].some((m) => m.includes(userId))) this.distributed.clear();
  }

  onMembershipChanged(conversationId: string): void {
    this.distributed.delete(conversationId);
    this.members.delete(conversationId);
  }

  async onPrekeysLow(deviceId: string): Promise<void> {
    if (deviceId !== this.me.deviceId) return;
    await this.locked(async () => {
      // Every tab of this device hears the event; the first to take the lock publishes, the others find enough.
      const { remaining } = await api<{ remaining: number }>("GET", "/api/devices/current/prekeys");
      if (remaining >= lowPrekeys) return;
      await api("POST", "/api/devices/current/prekeys", { oneTimePrekeys: await newPrekeys(this.store, prekeyBatch) });
    });
  }

  // ---- sending ----

  /** The content for a message (or an edit) with this client id: the text under this device's sender key. */
  seal(conversationId: string, clientMessageId: string, text: string): Promise<string> {
    return this.locked(async () => {
      const key = await this.currentSenderKey(conversationId);
      const content = toBase64Url(await senderKeyEncrypt(key, utf8(text), clientMessageId));
      // Stored before it is sent: a message key is never used twice, even if the tab closes now.
      await this.store.put(names.ownKey(conversationId), key);
      return content;
    });
  }

  /** Keeps the text of a message this device sent: nobody can decrypt their own sender key's message again. */
  remember(event: Sealed, text: string): Promise<void> {
    return this.store.put(names.plaintext(event.messageId), keptText(event, text));
  }

  /** A kept text, if it was kept for this very message (the id alone is the server's word). */
  private async kept(event: Sealed): Promise<string | undefined> {
    const record = await this.store.get<KeptText>(names.plaintext(event.messageId));
    return record && record.conversationId === event.conversationId && record.senderDeviceId === event.senderDeviceId
      && record.clientMessageId === event.clientMessageId ? record.text : undefined;
  }

  private async currentSenderKey(conversationId: string): Promise<SenderKeyState> {
    const key = await this.store.get<SenderKeyState>(names.ownKey(conversationId));
    if (key && this.distributed.has(conversationId) && key.iteration < rotateAfterMessages) return key;
    const fresh = createSenderKey(conversationId, this.me.deviceId);
    await this.distribute(fresh);
    this.distributed.add(conversationId);
    return fresh;
  }

  /** Sends the key to every device of every member (this user's other devices too), in sends of at most 100 envelopes. */
  private async distribute(key: SenderKeyState): Promise<void> {
    const users = [...new Set([...(await this.membersOf(key.conversationId)), this.me.userId])].sort();
    const chunks: string[][] = [[]];
    let inChunk = 0;
    for (const userId of users) {
      const count = (await this.devicesOf(userId)).length;
      if (inChunk > 0 && inChunk + count > maxEnvelopesPerSend) {
        chunks.push([]);
        inChunk = 0;
      }
      chunks[chunks.length - 1].push(userId);
      inChunk += count;
    }

    await addressSenderKey(key, await this.recipients(users));
    const hexId = key.distributionId.replaceAll("-", "");
    for (let k = 0; k < chunks.length; k++) {
      const clientMessageId = chunks.length === 1 ? `sk-${hexId}` : `sk-${hexId}-${k}`;
      for (let attempt = 0; ; attempt++) {
        // Nothing of this key went out yet: address it to the devices as they are now.
        if (chunks.length === 1 && attempt > 0) await addressSenderKey(key, await this.recipients(users));
        const envelopes = [];
        for (const userId of chunks[k]) {
          for (const deviceId of await this.devicesOf(userId)) {
            const sessions = await this.sessionsWith(deviceId);
            const payload = encodeDistribution(distributionFor(key, deviceId));
            const ciphertext = await sessionEncrypt(sessions[0], payload, deviceBinding(this.me.deviceId, deviceId, clientMessageId));
            await this.store.put(names.sessions(deviceId), sessions);
            envelopes.push({ userId, deviceId, ciphertext: toBase64Url(ciphertext) });
          }
        }
        if (envelopes.length === 0) break;
        try {
          await this.hub.invoke("SendToDevices", { clientMessageId, envelopes });
          break;
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          if (!text.includes("stale_devices:") || attempt >= 3) throw error;
          for (const user of JSON.parse(text.slice(text.indexOf("["))) as StaleDevices[]) {
            this.devices.delete(user.userId);
            for (const gone of user.gone) await this.store.delete(names.sessions(gone));
          }
        }
      }
    }
  }

  private async recipients(users: string[]): Promise<string[]> {
    const devices: string[] = [];
    for (const userId of users) devices.push(...(await this.devicesOf(userId)));
    return devices;
  }

  private async membersOf(conversationId: string): Promise<string[]> {
    let members = this.members.get(conversationId);
    if (!members) {
      members = (await api<Conversation>("GET", `/api/conversations/${conversationId}`)).members.map((m) => m.userId);
      this.members.set(conversationId, members);
    }
    return members;
  }

  /**
   * The user's devices that may receive (this one excepted), each with a session. The list is read without taking
   * one-time prekeys; they are taken (a second fetch) only for devices that need a new session.
   */
  private async devicesOf(userId: string): Promise<string[]> {
    const known = this.devices.get(userId);
    if (known) return known;
    const listed = (await fetchKeys(userId, false)).filter((b) => b.deviceId !== this.me.deviceId);
    const needSession: string[] = [];
    for (const bundle of listed) {
      const sessions = (await this.store.get<SessionState[]>(names.sessions(bundle.deviceId))) ?? [];
      if (sessions.length === 0) {
        needSession.push(bundle.deviceId);
      } else if (!equal(sessions[0].remoteIdentityKey, fromBase64Url(bundle.identityKey))) {
        // A device that published new identity keys gets a new session, and the person is told (a re-install, or
        // someone in between: only comparing out of band tells).
        this.onIdentityChanged(userId);
        needSession.push(bundle.deviceId);
      }
    }
    if (needSession.length > 0) {
      for (const bundle of (await fetchKeys(userId, true)).filter((b) => needSession.includes(b.deviceId))) {
        const session = await initiateSession(this.identity.identityKey, await generateAgreement(), toPrekeyBundle(bundle));
        await this.store.put(names.sessions(bundle.deviceId), [session]);
      }
    }
    const devices = listed.map((b) => b.deviceId);
    this.devices.set(userId, devices);
    return devices;
  }

  private async sessionsWith(deviceId: string): Promise<SessionState[]> {
    const sessions = await this.store.get<SessionState[]>(names.sessions(deviceId));
    if (!sessions?.length) throw new Error(`No session with device ${deviceId}.`);
    return sessions;
  }

  // ---- receiving ----

  /** A message's (or an edit's) text: kept from before, decrypted now, plain, or why it cannot be read. */
  async open(event: Sealed & { content: string | null }): Promise<Opened> {
    if (event.content === null) return { text: null, security: "plain" };
    const kept = await this.kept(event);
    if (kept !== undefined) return { text: kept, security: "encrypted" };
    let message;
    try {
      message = parseGroupMessage(fromBase64Url(event.content));
    } catch {
      // Not ciphertext: a client without encryption sent it. Shown, and marked as such.
      return { text: event.content, security: "plain" };
    }
    return this.locked(async () => {
      const keptMeanwhile = await this.kept(event);
      if (keptMeanwhile !== undefined) return { text: keptMeanwhile, security: "encrypted" } as Opened;
      const keyName = names.peerKey(event.conversationId, event.senderDeviceId, message.distributionId);
      let key = await this.store.get<SenderKeyState>(keyName);
      // The key may be among envelopes not yet applied (they travel apart from the conversation's events). If
      // they cannot be fetched now, the line waits for its key: onKeysArrived opens it later.
      if (!key && this.hub.connected() && Date.now() - this.lastEnvelopeSync > 2_000) {
        try {
          await this.syncEnvelopes();
        } catch (error) {
          console.warn("Envelopes could not be fetched now.", error);
        }
        key = await this.store.get<SenderKeyState>(keyName);
      }
      if (!key) return { text: null, security: "undecryptable", failure: "NoKey" } as Opened;
      try {
        const text = new TextDecoder().decode(await senderKeyDecrypt(key, message, event.clientMessageId));
        // Together: a key advanced past this message without its text kept would leave it unreadable for good.
        await this.store.putAll([[keyName, key], [names.plaintext(event.messageId), keptText(event, text)]]);
        return { text, security: "encrypted" } as Opened;
      } catch (error) {
        if (error instanceof CryptoFailure) return { text: null, security: "undecryptable", failure: error.failure } as Opened;
        throw error;
      }
    });
  }

  /** Applies this device's envelopes after its cursor (after every connect, and when one arrives out of order). */
  syncDeviceMessages(): Promise<void> {
    return this.locked(() => this.syncEnvelopes());
  }

  /** A `deviceMessage` event: applied once, in seq order. */
  onDeviceMessage(message: DeviceMessage): Promise<void> {
    return this.locked(async () => {
      const cursor = (await this.store.get<number>(names.cursor)) ?? 0;
      if (message.seq <= cursor) return;
      if (message.seq !== cursor + 1) {
        await this.syncEnvelopes();
        return;
      }
      await this.applyEnvelope(message);
      await this.store.put(names.cursor, message.seq);
      await this.hub.invoke("AckDeviceMessages", { upTo: message.seq });
      this.onKeysArrived();
    });
  }

  private async syncEnvelopes(): Promise<void> {
    this.lastEnvelopeSync = Date.now();
    let cursor = (await this.store.get<number>(names.cursor)) ?? 0;
    let applied = false;
    for (let hasMore = true; hasMore;) {
      const page = await this.hub.invoke<{ messages: DeviceMessage[]; hasMore: boolean }>("SyncDeviceMessages", { after: cursor, limit: 100 });
      for (const message of page.messages) {
        await this.applyEnvelope(message);
        cursor = message.seq;
        await this.store.put(names.cursor, cursor);
        applied = true;
      }
      hasMore = page.hasMore && page.messages.length > 0;
    }
    // Acknowledged once what it carried is in the key store: an acknowledged envelope is gone for good.
    if (applied) {
      await this.hub.invoke("AckDeviceMessages", { upTo: cursor });
      this.onKeysArrived();
    }
  }

  /** Stores the sender key an envelope carries; one that cannot be opened is skipped (its key is lost, not retried). */
  private async applyEnvelope(message: DeviceMessage): Promise<void> {
    try {
      const distribution = parseDistribution(await this.openEnvelope(message));
      const name = names.peerKey(distribution.conversationId, message.senderDeviceId, distribution.distributionId);
      if (!(await this.store.get(name))) await this.store.put(name, receivedSenderKey(distribution, message.senderDeviceId));
    } catch (error) {
      // Whatever these bytes are, they will not open later either: refused, so the envelopes after them still apply.
      console.warn(`Envelope ${message.seq} from device ${message.senderDeviceId} refused: ${error instanceof Error ? error.message : error}`);
    }
  }

  /** Decrypts an envelope with its session: an opening's by its ephemeral key (or a new one), any other by trying the sessions, newest first. */
  private async openEnvelope(message: DeviceMessage): Promise<Uint8Array> {
    const parsed = parseSessionMessage(fromBase64Url(message.ciphertext));
    const binding = deviceBinding(message.senderDeviceId, this.me.deviceId, message.clientMessageId);
    const sessions = (await this.store.get<SessionState[]>(names.sessions(message.senderDeviceId))) ?? [];
    const opening = parsed.opening;
    const ofThisOpening = (s: SessionState) => !!opening && !!s.openingEphemeralKey && equal(s.openingEphemeralKey, opening.ephemeralKey);
    if (opening && !sessions.some(ofThisOpening)) {
      if (opening.signedPrekeyId !== this.identity.signedPrekeyId) throw new CryptoFailure("NoKey", "The opening names a signed prekey this device does not hold.");
      const openings = (await this.store.get<string[]>(names.openings(message.senderDeviceId))) ?? [];
      const ephemeral = toHex(opening.ephemeralKey);
      if (openings.includes(ephemeral)) throw new CryptoFailure("Replayed", "A session was opened with this ephemeral key already.");
      await this.checkIdentity(message, opening.identityKey, sessions);
      let oneTime = null;
      if (opening.oneTimePrekeyId !== null) {
        oneTime = await prekey(this.store, opening.oneTimePrekeyId);
        if (!oneTime) throw new CryptoFailure("Replayed", "The one-time prekey it names was used already.");
      }
      const session = await respondSession(this.identity.identityKey, this.identity.signedPrekey, oneTime, opening);
      const { state, plaintext } = await sessionDecrypt(session, parsed, binding);
      await this.store.put(names.sessions(message.senderDeviceId), [state, ...sessions].slice(0, maxSessionsPerDevice));
      await this.store.put(names.openings(message.senderDeviceId), [...openings, ephemeral].slice(-maxRememberedOpenings));
      if (opening.oneTimePrekeyId !== null) await deletePrekey(this.store, opening.oneTimePrekeyId);
      return plaintext;
    }

    let first: CryptoFailure | null = null;
    for (const [index, session] of sessions.entries()) {
      if (opening && !ofThisOpening(session)) continue;
      try {
        const { state, plaintext } = await sessionDecrypt(session, parsed, binding);
        const rest = sessions.filter((_, i) => i !== index);
        await this.store.put(names.sessions(message.senderDeviceId), [state, ...rest].slice(0, maxSessionsPerDevice));
        return plaintext;
      } catch (error) {
        if (!(error instanceof CryptoFailure)) throw error;
        first ??= error;
      }
    }
    throw first ?? new CryptoFailure("NoKey", "No session with the sending device.");
  }

  /** An opening must carry the identity key its device published (or the one pinned): else the server could open sessions in its name. */
  private async checkIdentity(message: DeviceMessage, identityKey: Uint8Array, sessions: SessionState[]): Promise<void> {
    if (sessions.length > 0 && equal(sessions[0].remoteIdentityKey, identityKey)) return;
    const published = (await fetchKeys(message.senderId, false)).find((d) => d.deviceId === message.senderDeviceId);
    if (!published || !equal(fromBase64Url(published.identityKey), identityKey)) {
      throw new CryptoFailure("Tampered", "The opening's identity key is not the one its sending device published.");
    }
    if (sessions.length > 0) this.onIdentityChanged(message.senderId);
  }
}

const lockName = (deviceId: string) => `chat.e2ee.${deviceId}`;

/** What names a message: its text is kept with it, and shown only for that message. */
interface Sealed {
  messageId: string;
  conversationId: string;
  senderDeviceId: string;
  clientMessageId: string;
}

interface KeptText {
  text: string;
  conversationId: string;
  senderDeviceId: string;
  clientMessageId: string;
}

const keptText = (event: Sealed, text: string): KeptText =>
  ({ text, conversationId: event.conversationId, senderDeviceId: event.senderDeviceId, clientMessageId: event.clientMessageId });

async function fetchKeys(userId: string, oneTimePrekeys: boolean): Promise<KeyBundleJson[]> {
  return (await api<{ devices: KeyBundleJson[] }>("GET", `/api/users/${userId}/keys?oneTimePrekeys=${oneTimePrekeys}`)).devices;
}

function toPrekeyBundle(json: KeyBundleJson): PrekeyBundle {
  return {
    deviceId: json.deviceId,
    identityKey: fromBase64Url(json.identityKey),
    signingKey: fromBase64Url(json.signingKey),
    signedPrekeyId: json.signedPrekey.keyId,
    signedPrekey: fromBase64Url(json.signedPrekey.publicKey),
    signedPrekeySignature: fromBase64Url(json.signedPrekey.signature),
    oneTimePrekeyId: json.oneTimePrekey?.keyId ?? null,
    oneTimePrekey: json.oneTimePrekey ? fromBase64Url(json.oneTimePrekey.publicKey) : null,
  };
}
