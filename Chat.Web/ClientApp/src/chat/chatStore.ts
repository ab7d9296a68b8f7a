import * as signalR from "@microsoft/signalr";
import { api } from "../api/http";
import { describe, refusalFromHub, ServerRefusal } from "../api/problems";
import type {
  Conversation, ConversationPage, Invitation, MessageAck, MessageEvent, MessagePage, Presence, Receipt, SyncResult, Typing, User,
} from "../api/wire";
import { type Session, SignedOut } from "../auth/session";
import { SecureMessenger } from "../e2ee/secureMessenger";
import { ConversationState, type OpenedEvent, type PendingMessage } from "./conversationState";
import { uploadFile } from "../attachments/files";
import { CallManager } from "../calls/callManager";
import { createHubConnection } from "./hub";

export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline";

const typingShownFor = 6_000;
const typingSentEvery = 3_000;
const historyPage = 50;

/**
 * Everything one signed-in tab knows and does: the conversations, their messages applied exactly once and in
 * order (docs/protocol.md), the hub connection with its catch-up after every reconnect, people and presence. The
 * views read it and re-render when it says it changed.
 */
export class ChatStore {
  readonly conversations = new Map<string, ConversationState>();
  readonly users = new Map<string, User>();
  readonly presence = new Map<string, Presence>();
  /** Invitations to groups from strangers, newest first: not memberships until accepted. */
  invitations: Invitation[] = [];
  status: ConnectionStatus = "connecting";
  openId: string | null = null;
  notice: string | null = null;
  /** Files being encrypted and uploaded. */
  uploading = 0;
  version = 0;

  private readonly listeners = new Set<() => void>();
  private readonly connection = createHubConnection();
  readonly calls: CallManager;
  // Tabs of one sign-in are one device, and the server sends a device no event for what it sent itself: the tab
  // that sent tells the others.
  private readonly siblingTabs: BroadcastChannel;
  private readonly adopting = new Map<string, Promise<ConversationState | null>>();
  private readonly fetchingUsers = new Set<string>();
  private readonly deliveredDue = new Map<string, number>();
  private e2ee!: SecureMessenger;
  private reopening = false;
  private syncing = false;
  private syncAgain = false;
  private stopped = false;
  private offline = !navigator.onLine;
  private noticeTimer: number | undefined;

  constructor(readonly me: Session, private readonly onSignedOut: (reason: string | null) => void) {
    this.calls = new CallManager(this.connection, me, () => this.changed(), (notice) => this.say(notice));
    this.siblingTabs = new BroadcastChannel(`chat.sent.${me.deviceId}`);
    this.siblingTabs.onmessage = (message) => void this.receive(message.data as OpenedEvent);
    this.connection.on("message", (event: MessageEvent) => void this.receive(event));
    this.connection.on("deviceMessage", (message) => void this.e2ee.onDeviceMessage(message).catch((e) => this.fail(e)));
    this.connection.on("devices", ({ userId }: { userId: string }) => this.e2ee.onDevicesChanged(userId));
    this.connection.on("prekeysLow", ({ deviceId }: { deviceId: string }) => void this.e2ee.onPrekeysLow(deviceId).catch(() => undefined));
    this.connection.on("receipt", (receipt: Receipt) => this.onReceipt(receipt));
    this.connection.on("typing", (typing: Typing) => this.onTyping(typing));
    this.connection.on("presence", (presence: Presence) => this.setPresence(presence));
    this.connection.on("invitation", (invitation: Invitation) => {
      this.invitations = [invitation, ...this.invitations.filter((i) => i.conversationId !== invitation.conversationId)];
      this.user(invitation.invitedBy);
      this.changed();
    });
    this.connection.onreconnecting(() => this.setStatus("reconnecting"));
    this.connection.onreconnected(() => void this.caughtUp());
    this.connection.onclose((error) => this.onClosed(error));
    window.addEventListener("online", this.wentOnline);
    window.addEventListener("offline", this.wentOffline);
    document.addEventListener("visibilitychange", this.visibilityChanged);
  }

  // ---- subscription (useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  // ---- lifetime ----

  async start(): Promise<void> {
    try {
      await this.guard(async () => {
        const meUser = await api<User>("GET", "/api/users/me");
        this.users.set(meUser.id, meUser);
        this.e2ee = await SecureMessenger.start(this.me, {
          invoke: (method, argument) => this.connection.invoke(method, argument),
          connected: () => this.connection.state === signalR.HubConnectionState.Connected,
        });
        this.e2ee.onKeysArrived = () => void this.reopen();
        this.e2ee.onIdentityChanged = (userId) =>
          this.say(`${this.name(userId)}'s security keys changed: a new installation, or someone in between. If it is unexpected, check with them another way.`);
        await this.loadConversations();
      });
      await this.connect();
    } catch (error) {
      this.fail(error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    window.removeEventListener("online", this.wentOnline);
    window.removeEventListener("offline", this.wentOffline);
    document.removeEventListener("visibilitychange", this.visibilityChanged);
    this.siblingTabs.close();
    await this.connection.stop();
  }

  private async loadConversations(): Promise<void> {
    this.invitations = await api<Invitation[]>("GET", "/api/invitations");
    for (const invitation of this.invitations) this.user(invitation.invitedBy);
    let after: string | null = null;
    do {
      const query: string = after ? `&after=${encodeURIComponent(after)}` : "";
      const page: ConversationPage = await api<ConversationPage>("GET", `/api/conversations?limit=200${query}`);
      for (const summary of page.conversations) await this.upsert(summary);
      after = page.next;
    } while (after);
    this.changed();
  }

  private async connect(): Promise<void> {
    while (!this.stopped && !this.offline && this.connection.state === signalR.HubConnectionState.Disconnected) {
      this.setStatus("connecting");
      try {
        await this.connection.start();
        await this.caughtUp();
        return;
      } catch (error) {
        if (error instanceof SignedOut) return this.fail(error);
        if (/device_signed_out/.test(String(error))) return this.onSignedOut("This device was signed out. Sign in again.");
        await new Promise((resolve) => setTimeout(resolve, 2_000 + Math.random() * 1_000));
      }
    }
  }

  /** After every (re)connect: Sync from the positions, resend what waits, ask the presence of the people shown. */
  private async caughtUp(): Promise<void> {
    this.setStatus("online");
    void this.calls.resume();
    // Envelopes first: they carry the keys of the messages Sync brings.
    this.e2ee.onConnected();
    await this.e2ee.syncDeviceMessages().catch(() => undefined);
    await this.sync();
    for (const conversation of this.conversations.values()) {
      for (const pending of conversation.pending) if (!pending.error) void this.transmit(conversation, pending);
    }
    for (const conversation of this.conversations.values()) {
      const peer = this.peerOf(conversation);
      if (peer) void this.loadPresence(peer);
    }
  }

  private onClosed(error?: Error): void {
    if (this.stopped) return;
    if (error && /device_signed_out/.test(error.message)) {
      this.onSignedOut("This device was signed out. Sign in again.");
      return;
    }
    this.setStatus(this.offline ? "offline" : "connecting");
    if (!this.offline) void this.connect();
  }

  // A lost network is a lost connection: stop now rather than wait for the server timeout, and catch up on return.
  private readonly wentOffline = () => {
    this.offline = true;
    this.setStatus("offline");
    void this.connection.stop();
  };

  private readonly wentOnline = () => {
    this.offline = false;
    void this.connect();
  };

  private readonly visibilityChanged = () => {
    const open = this.open;
    if (open) this.markRead(open);
  };

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.changed();
  }

  // ---- applying events exactly once, in order ----

  private async sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.syncAgain = false;
        let hasMore = true;
        while (hasMore && this.connection.state === signalR.HubConnectionState.Connected) {
          const cursors = [...this.conversations.values()].map((c) => ({ conversationId: c.id, afterSeq: c.order.applied }));
          const result = await this.connection.invoke<SyncResult>("Sync", { cursors, limit: 200 });
          for (const event of result.messages) await this.receive(event);
          for (const p of result.positions) this.conversations.get(p.conversationId)?.advance(p.userId, p.deliveredSeq, p.readSeq);
          hasMore = result.hasMore;
        }
      } while (this.syncAgain);
    } catch (error) {
      // Lost connection: the next connect syncs again. Anything else (a budget, a fault): try again shortly.
      if (this.connection.state === signalR.HubConnectionState.Connected) {
        console.warn("Sync failed; trying again.", error);
        setTimeout(() => void this.sync(), 2_000);
      }
    } finally {
      this.syncing = false;
      this.changed();
    }
  }

  private async receive(received: MessageEvent | OpenedEvent): Promise<void> {
    const conversation = this.conversations.get(received.conversationId) ?? (await this.adopt(received.conversationId));
    if (!conversation || received.seq <= conversation.order.applied) return;
    const event = await this.opened(received);
    for (const due of conversation.order.accept(event)) this.apply(conversation, due);
    if (conversation.order.hasGap && conversation.inFlight === 0) void this.sync();
    this.changed();
  }

  /** The event with the text to show: decrypted (or kept from before), plain, or marked as not readable here. */
  private async opened(event: MessageEvent | OpenedEvent): Promise<OpenedEvent> {
    if ("security" in event) return event;
    if ((event.kind !== "text" && event.kind !== "edit" && event.kind !== "attachment") || event.content === null) return { ...event, security: "plain" };
    let opened;
    try {
      opened = await this.e2ee.open(event);
    } catch (error) {
      // Never drop an event: it shows as waiting for its key, and opens when keys arrive.
      console.warn("A message could not be opened now.", error);
      opened = { text: null, security: "undecryptable" as const, failure: "NoKey" as const };
    }
    return {
      ...event, content: opened.text, security: opened.security, failure: opened.failure,
      sealed: opened.security === "undecryptable" ? event.content : undefined,
    };
  }

  /** Keys arrived: lines that waited for one are opened now. */
  private async reopen(): Promise<void> {
    if (this.reopening) return;
    this.reopening = true;
    try {
      for (const conversation of this.conversations.values()) {
        for (const line of conversation.lines()) {
          if (line.security !== "undecryptable" || line.failure !== "NoKey" || !line.sealed) continue;
          const opened = await this.e2ee.open({ ...line, conversationId: conversation.id, content: line.sealed });
          if (opened.security === "encrypted" && opened.text !== null) conversation.reopened(line.seq, opened.text);
        }
      }
    } finally {
      this.reopening = false;
      this.changed();
    }
  }

  /** The device that sends gets no event for it: the acknowledgement is its event, in this tab and its siblings. */
  private async receiveOwn(event: OpenedEvent): Promise<void> {
    this.siblingTabs.postMessage(event);
    await this.receive(event);
  }

  private apply(conversation: ConversationState, event: OpenedEvent): void {
    conversation.show(event);
    const mine = event.senderId === this.me.userId;
    if (event.kind === "text" || event.kind === "attachment") {
      conversation.lastMessage = event;
      conversation.lastActivityAt = event.sentAt;
      if (!mine) {
        // Only an accepted request lets its recipient write.
        if (conversation.request === "sent") void this.refreshMembers(conversation);
        conversation.typing.delete(event.senderId);
        conversation.unreadCount++;
        this.markDelivered(conversation, event.seq);
      }
    } else if (event.kind === "roleChanged") {
      void this.refreshMembers(conversation);
    } else if (event.kind === "memberAdded" || event.kind === "memberRemoved" || event.kind === "memberLeft") {
      conversation.lastActivityAt = event.sentAt;
      // Who holds this device's sender key changed: the next message goes under a new one.
      this.e2ee.onMembershipChanged(conversation.id);
      if (event.memberId === this.me.userId && event.kind !== "memberAdded") {
        conversation.left = true;
      } else {
        void this.refreshMembers(conversation);
      }
    }
    if (this.openId === conversation.id) this.markRead(conversation);
  }

  /** A conversation this tab did not list (new, or one it was just added to). */
  private adopt(id: string): Promise<ConversationState | null> {
    let adopting = this.adopting.get(id);
    if (!adopting) {
      adopting = (async () => {
        try {
          const summary = await api<Conversation>("GET", `/api/conversations/${id}`);
          // Events up to its lastSeq are in the summary (unread count, last message) and in history.
          const conversation = await this.upsert(summary);
          if (summary.lastMessage && summary.lastMessage.senderId !== this.me.userId) this.markDelivered(conversation, summary.lastSeq);
          const peer = this.peerOf(conversation);
          if (peer) void this.loadPresence(peer);
          return conversation;
        } catch (error) {
          if (error instanceof ServerRefusal && error.status === 404) {
            // One I have left: its events up to my departure still come from Sync; keep them, show nothing.
            const left = new ConversationState(id, {
              id, kind: "group", title: null, members: [], lastSeq: 0, readSeq: 0, unreadCount: 0,
              lastMessage: null, createdAt: "", lastActivityAt: "", request: null, hidden: false, mutedUntil: null, invited: [],
            });
            left.left = true;
            left.hidden = true;
            this.conversations.set(id, left);
            return left;
          }
          this.fail(error);
          return null;
        } finally {
          this.adopting.delete(id);
        }
      })();
      this.adopting.set(id, adopting);
    }
    return adopting;
  }

  private async upsert(summary: Conversation): Promise<ConversationState> {
    const known = this.conversations.get(summary.id);
    if (known) {
      known.refresh(summary);
      return known;
    }
    const conversation = new ConversationState(summary.id, summary);
    conversation.lastMessage = summary.lastMessage && (await this.opened(summary.lastMessage));
    this.conversations.set(summary.id, conversation);
    for (const member of summary.members) this.user(member.userId);
    for (const invited of summary.invited) this.user(invited.userId);
    return conversation;
  }

  /** Answers a message request: accepted, it is a normal conversation; declined, it leaves the list (and with block, so does its sender). */
  async answerRequest(conversation: ConversationState, answer: "accept" | "decline" | "block"): Promise<void> {
    await this.guard(async () => {
      if (answer === "accept") {
        conversation.refresh(await api<Conversation>("POST", `/api/conversations/${conversation.id}/accept`));
        const peer = this.peerOf(conversation);
        if (peer) await this.loadPresence(peer);
      } else {
        await api<void>("POST", `/api/conversations/${conversation.id}/decline`, { block: answer === "block" });
        this.conversations.delete(conversation.id);
        if (this.openId === conversation.id) await this.openConversation(null);
      }
      this.changed();
    });
  }

  /** Joins the group (its memberAdded event brings it in) or declines, and forgets the invitation either way. */
  async answerInvitation(invitation: Invitation, accept: boolean): Promise<void> {
    await this.guard(async () => {
      if (accept) {
        await this.upsert(await api<Conversation>("POST", `/api/invitations/${invitation.conversationId}`));
      } else {
        await api<void>("DELETE", `/api/invitations/${invitation.conversationId}`);
      }
      this.invitations = this.invitations.filter((i) => i.conversationId !== invitation.conversationId);
      this.changed();
      if (accept) await this.openConversation(invitation.conversationId);
    });
  }

  private async refreshMembers(conversation: ConversationState): Promise<void> {
    await this.guard(async () => {
      conversation.refresh(await api<Conversation>("GET", `/api/conversations/${conversation.id}`));
      for (const member of conversation.members) this.user(member.userId);
    });
  }

  private onReceipt(receipt: Receipt): void {
    const conversation = this.conversations.get(receipt.conversationId);
    if (!conversation) return;
    const read = receipt.kind === "read" ? receipt.seq : 0;
    conversation.advance(receipt.userId, receipt.seq, read);
    // A request's recipient sends no receipts until they accept it: this one says they did.
    if (conversation.request === "sent" && receipt.userId !== this.me.userId) void this.refreshMembers(conversation);
    if (receipt.userId === this.me.userId && read > conversation.readSeq) {
      // Read on another of my devices.
      conversation.readSeq = read;
      if (read >= conversation.order.applied) conversation.unreadCount = 0;
    }
    this.changed();
  }

  private onTyping(typing: Typing): void {
    const conversation = this.conversations.get(typing.conversationId);
    if (!conversation || typing.userId === this.me.userId) return;
    conversation.typing.set(typing.userId, Date.now() + typingShownFor);
    this.changed();
    setTimeout(() => this.changed(), typingShownFor + 50);
  }

  // ---- receipts ----

  private markDelivered(conversation: ConversationState, seq: number): void {
    const due = this.deliveredDue.get(conversation.id);
    this.deliveredDue.set(conversation.id, Math.max(due ?? 0, seq));
    if (due !== undefined) return;
    // One call for a burst of messages.
    setTimeout(() => {
      const upTo = this.deliveredDue.get(conversation.id)!;
      this.deliveredDue.delete(conversation.id);
      const mine = conversation.member(this.me.userId);
      if (mine && mine.deliveredSeq >= upTo) return;
      this.connection.invoke<number>("MarkDelivered", { conversationId: conversation.id, seq: upTo })
        .then(() => conversation.advance(this.me.userId, upTo, 0))
        .catch(() => undefined); // Sync's positions put it right after a reconnect.
    }, 100);
  }

  markRead(conversation: ConversationState): void {
    const seq = conversation.order.applied;
    if (conversation.left || seq === 0 || conversation.readSeq >= seq || document.visibilityState !== "visible") return;
    conversation.readSeq = seq;
    conversation.unreadCount = 0;
    this.changed();
    this.connection.invoke<number>("MarkRead", { conversationId: conversation.id, seq })
      .then(() => conversation.advance(this.me.userId, seq, seq))
      .catch(() => (conversation.readSeq = Math.min(conversation.readSeq, seq - 1)));
  }

  // ---- what the person does ----

  get open(): ConversationState | null {
    return this.openId ? this.conversations.get(this.openId) ?? null : null;
  }

  async openConversation(id: string | null): Promise<void> {
    this.openId = id;
    this.changed();
    const conversation = this.open;
    if (!conversation) return;
    this.markRead(conversation);
    if (!conversation.historyLoaded) await this.loadOlder(conversation);
  }

  /** The page of history before the oldest line loaded. */
  async loadOlder(conversation: ConversationState): Promise<void> {
    if (conversation.loadingHistory || !conversation.hasOlder) return;
    const before = conversation.oldestLoadedSeq ?? conversation.order.applied + 1;
    if (before <= 1) {
      conversation.hasOlder = false;
      conversation.historyLoaded = true;
      return;
    }
    conversation.loadingHistory = true;
    this.changed();
    try {
      const page = await api<MessagePage>("GET", `/api/conversations/${conversation.id}/messages?beforeSeq=${before}&limit=${historyPage}`);
      // Newer events come through the ordering; history fills in below what was applied.
      for (const event of page.messages) if (event.seq <= conversation.order.applied) conversation.show(await this.opened(event));
      conversation.oldestLoadedSeq = page.messages.length > 0 ? page.messages[0].seq : before;
      conversation.hasOlder = page.hasMore && conversation.oldestLoadedSeq > 1;
      conversation.historyLoaded = true;
    } catch (error) {
      this.fail(error);
    } finally {
      conversation.loadingHistory = false;
      this.changed();
    }
  }

  send(conversation: ConversationState, content: string, attachmentId?: string): void {
    const pending = { clientMessageId: crypto.randomUUID(), content, attachmentId, inFlight: false, error: null };
    conversation.pending.push(pending);
    this.changed();
    void this.transmit(conversation, pending);
  }

  /** Encrypts and uploads a file, then sends the message that carries it (its key inside, encrypted). */
  async sendFile(conversation: ConversationState, file: File): Promise<void> {
    this.uploading++;
    this.changed();
    try {
      const { attachmentId, description } = await uploadFile(conversation.id, file);
      this.send(conversation, JSON.stringify(description), attachmentId);
    } catch (error) {
      this.fail(error);
    } finally {
      this.uploading--;
      this.changed();
    }
  }

  /** Sends (or resends, with the same clientMessageId, so the server stores it once) a pending message. */
  private async transmit(conversation: ConversationState, pending: PendingMessage): Promise<void> {
    if (pending.inFlight || this.connection.state !== signalR.HubConnectionState.Connected) return;
    pending.inFlight = true;
    conversation.inFlight++;
    try {
      pending.sealed ??= await this.e2ee.seal(conversation.id, pending.clientMessageId, pending.content);
      const ack = await this.connection.invoke<MessageAck>("SendMessage", {
        conversationId: conversation.id, clientMessageId: pending.clientMessageId, content: pending.sealed, attachmentId: pending.attachmentId,
      });
      await this.e2ee.remember({ ...ack, senderDeviceId: this.me.deviceId, clientMessageId: pending.clientMessageId }, pending.content);
      conversation.pending.splice(conversation.pending.indexOf(pending), 1);
      await this.receiveOwn({
        ...ack, kind: pending.attachmentId ? "attachment" : "text", senderId: this.me.userId, senderDeviceId: this.me.deviceId,
        clientMessageId: pending.clientMessageId, content: pending.content, targetMessageId: null, memberId: null,
        attachmentId: pending.attachmentId ?? null, security: "encrypted",
      });
    } catch (error) {
      // Refused: say why. Cut off: it stays pending and goes again after the reconnect.
      if (this.connection.state === signalR.HubConnectionState.Connected) pending.error = describe(refusalFromHub(error));
    } finally {
      pending.inFlight = false;
      conversation.inFlight--;
      if (conversation.order.hasGap && conversation.inFlight === 0) void this.sync();
      this.changed();
    }
  }

  retry(conversation: ConversationState, clientMessageId: string): void {
    const pending = conversation.pending.find((p) => p.clientMessageId === clientMessageId);
    if (!pending) return;
    pending.error = null;
    void this.transmit(conversation, pending);
  }

  discard(conversation: ConversationState, clientMessageId: string): void {
    const index = conversation.pending.findIndex((p) => p.clientMessageId === clientMessageId);
    if (index >= 0) conversation.pending.splice(index, 1);
    this.changed();
  }

  async edit(conversation: ConversationState, messageId: string, content: string): Promise<void> {
    await this.change(conversation, "EditMessage", "edit", messageId, content);
  }

  async remove(conversation: ConversationState, messageId: string): Promise<void> {
    await this.change(conversation, "DeleteMessage", "delete", messageId, null);
  }

  private async change(conversation: ConversationState, method: string, kind: "edit" | "delete", messageId: string, content: string | null) {
    const clientMessageId = crypto.randomUUID();
    try {
      const sealed = content === null ? null : await this.e2ee.seal(conversation.id, clientMessageId, content);
      const ack = await this.connection.invoke<MessageAck>(method, {
        conversationId: conversation.id, messageId, clientMessageId, ...(sealed === null ? {} : { content: sealed }),
      });
      if (content !== null) await this.e2ee.remember({ ...ack, senderDeviceId: this.me.deviceId, clientMessageId }, content);
      await this.receiveOwn({
        ...ack, kind, senderId: this.me.userId, senderDeviceId: this.me.deviceId, clientMessageId, content,
        targetMessageId: messageId, memberId: null, security: content === null ? "plain" : "encrypted",
      });
    } catch (error) {
      this.say(describe(error instanceof ServerRefusal ? error : refusalFromHub(error)));
    }
  }

  typing(conversation: ConversationState): void {
    const now = Date.now();
    if (now - conversation.lastTypingSentAt < typingSentEvery) return;
    conversation.lastTypingSentAt = now;
    this.connection.invoke("Typing", { conversationId: conversation.id }).catch(() => undefined);
  }

  async startDirect(userId: string): Promise<void> {
    await this.create({ kind: "direct", userId });
  }

  async startGroup(title: string, memberIds: string[]): Promise<void> {
    await this.create({ kind: "group", title, memberIds });
  }

  private async create(request: object): Promise<void> {
    const summary = await api<Conversation>("POST", "/api/conversations", request);
    await this.upsert(summary);
    await this.openConversation(summary.id);
    const peer = this.peerOf(this.conversations.get(summary.id)!);
    if (peer) void this.loadPresence(peer);
  }

  async addMember(conversation: ConversationState, userId: string): Promise<void> {
    conversation.refresh(await api<Conversation>("POST", `/api/conversations/${conversation.id}/members`, { userId }));
    this.user(userId);
    this.changed();
  }

  /** The owner makes a member an admin, or an admin a member; the roleChanged event tells every member. */
  async setRole(conversation: ConversationState, userId: string, role: "admin" | "member"): Promise<void> {
    conversation.refresh(await api<Conversation>("PUT", `/api/conversations/${conversation.id}/members/${userId}/role`, { role }));
    this.changed();
  }

  /** The owner hands the group to another member and becomes an admin. */
  async transferOwnership(conversation: ConversationState, userId: string): Promise<void> {
    conversation.refresh(await api<Conversation>("POST", `/api/conversations/${conversation.id}/owner`, { userId }));
    this.changed();
  }

  /** Removes a member or withdraws an invitation (owners and admins), or leaves. */
  async removeMember(conversation: ConversationState, userId: string): Promise<void> {
    await api<void>("DELETE", `/api/conversations/${conversation.id}/members/${userId}`);
    conversation.invited = conversation.invited.filter((id) => id !== userId);
    if (userId === this.me.userId) {
      conversation.left = true;
      conversation.hidden = true;
      if (this.openId === conversation.id) this.openId = null;
    }
    this.changed();
  }

  // ---- people ----

  /** The user's record, fetched once when first asked for. */
  user(userId: string): User | undefined {
    const known = this.users.get(userId);
    if (!known && !this.fetchingUsers.has(userId)) {
      this.fetchingUsers.add(userId);
      api<User>("GET", `/api/users/${userId}`)
        .then((user) => {
          this.users.set(user.id, user);
          this.changed();
        })
        .catch(() => undefined)
        .finally(() => this.fetchingUsers.delete(userId));
    }
    return known;
  }

  name(userId: string): string {
    return this.user(userId)?.displayName ?? "…";
  }

  peerOf(conversation: ConversationState): string | null {
    if (conversation.kind !== "direct") return null;
    return conversation.members.find((m) => m.userId !== this.me.userId)?.userId ?? null;
  }

  titleOf(conversation: ConversationState): string {
    const peer = this.peerOf(conversation);
    if (peer) return this.name(peer);
    return conversation.title || "Group";
  }

  private async loadPresence(userId: string): Promise<void> {
    try {
      this.setPresence(await api<Presence>("GET", `/api/users/${userId}/presence`));
    } catch {
      // Presence is a nicety: without it the dot stays grey.
    }
  }

  private setPresence(presence: Presence): void {
    this.presence.set(presence.userId, presence);
    this.changed();
  }

  /** Conversations for the list: newest activity first. */
  list(): ConversationState[] {
    return [...this.conversations.values()]
      .filter((c) => !c.hidden)
      .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  }

  // ---- errors ----

  say(notice: string): void {
    this.notice = notice;
    this.changed();
    clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => {
      this.notice = null;
      this.changed();
    }, 8_000);
  }

  /** Runs a REST step; a sign-in that ended leads to the login page, other failures to a notice. */
  private async guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (error instanceof SignedOut) {
      this.onSignedOut(error.reason);
      return;
    }
    this.say(describe(error));
  }
}
