import type { Conversation, Member, MessageEvent } from "../api/wire";
import type { Failure } from "../crypto/bytes";
import { SeqOrder } from "./seqOrder";

/** How a message's text reached this device (docs/e2ee.md): decrypted, never encrypted, or not readable here. */
export type Security = "encrypted" | "plain" | "undecryptable";

/** An event whose content is already the text to show (decrypted, or plain), with how it was read. */
export interface OpenedEvent extends MessageEvent {
  security: Security;
  failure?: Failure;
  /** The ciphertext of one not readable yet: tried again when keys arrive. */
  sealed?: string;
}

/** A line of the chat: a text message or a membership change, as the conversation shows it now. */
export interface ShownMessage {
  seq: number;
  messageId: string;
  kind: "text" | "attachment" | "memberAdded" | "memberRemoved" | "memberLeft" | "roleChanged" | "call";
  attachmentId: string | null;
  senderId: string;
  content: string | null;
  sentAt: string;
  memberId: string | null;
  edited: boolean;
  deleted: boolean;
  security: Security;
  failure?: Failure;
  senderDeviceId: string;
  clientMessageId: string;
  sealed?: string;
}

/** A message typed here that the server has not acknowledged yet. */
export interface PendingMessage {
  clientMessageId: string;
  content: string;
  /** Its ciphertext, made once: a resend carries the same bytes. */
  sealed?: string;
  /** The uploaded file it carries: then its content is the file's description (docs/e2ee.md). */
  attachmentId?: string;
  inFlight: boolean;
  /** Why the server refused it, in words; null while it may still go. */
  error: string | null;
}

export type Tick = "sent" | "delivered" | "read";

/** An edit or delete applied before the message it changes was loaded: applied when history brings it. */
interface Change {
  senderId: string;
  content: string | null;
  deleted: boolean;
  security: Security;
}

/** One conversation as this tab knows it: its summary, the part of its history loaded, and what is in flight. */
export class ConversationState {
  kind: "direct" | "group";
  title: string | null;
  members: Member[];
  readSeq: number;
  unreadCount: number;
  lastMessage: OpenedEvent | null;
  lastActivityAt: string;
  readonly order: SeqOrder<OpenedEvent>;
  readonly messages = new Map<number, ShownMessage>();
  readonly pending: PendingMessage[] = [];
  readonly typing = new Map<string, number>();
  inFlight = 0;
  historyLoaded = false;
  loadingHistory = false;
  hasOlder = true;
  oldestLoadedSeq: number | null = null;
  /** I left or was removed: the conversation shows what came before, and takes nothing new. */
  left = false;
  /** Not in the list: one I left myself, or one known only from Sync after I had left it. */
  hidden = false;
  lastTypingSentAt = 0;
  /** A message request: "received" waits for this user's answer, "sent" for the other member's. */
  request: "received" | "sent" | null;
  /** People invited to this group who have not answered: not members. */
  invited: string[];
  private readonly seqById = new Map<string, number>();
  private readonly earlyChanges = new Map<string, Change>();

  constructor(readonly id: string, summary: Conversation) {
    this.kind = summary.kind;
    this.title = summary.title;
    this.members = summary.members;
    this.readSeq = summary.readSeq;
    this.unreadCount = summary.unreadCount;
    this.lastMessage = null; // set once opened (decrypted)
    this.lastActivityAt = summary.lastActivityAt;
    this.order = new SeqOrder(summary.lastSeq);
    this.hasOlder = summary.lastSeq > 0;
    this.request = summary.request;
    this.invited = summary.invited.map((i) => i.userId);
  }

  /** The summary again (members after a membership change), keeping what this tab applied. */
  refresh(summary: Conversation): void {
    this.title = summary.title;
    this.members = summary.members;
    this.request = summary.request;
    this.invited = summary.invited.map((i) => i.userId);
  }

  /** Puts a text or membership event on the page (from an event, an acknowledgement, Sync or history). */
  show(event: OpenedEvent): void {
    if (event.kind === "edit" || event.kind === "delete") {
      this.change(event);
      return;
    }
    if (this.messages.has(event.seq)) return;
    const change = this.earlyChanges.get(event.messageId);
    const early = change?.senderId === event.senderId ? change : undefined;
    this.messages.set(event.seq, {
      seq: event.seq,
      messageId: event.messageId,
      kind: event.kind,
      senderId: event.senderId,
      content: early ? early.content : event.content,
      sentAt: event.sentAt,
      memberId: event.memberId,
      attachmentId: event.attachmentId ?? null,
      edited: early !== undefined && !early.deleted,
      deleted: early?.deleted ?? ((event.kind === "text" || event.kind === "attachment") && event.content === null && event.security !== "undecryptable"),
      security: early && !early.deleted ? early.security : event.security,
      failure: early ? undefined : event.failure,
      senderDeviceId: event.senderDeviceId,
      clientMessageId: event.clientMessageId,
      sealed: event.sealed,
    });
    this.seqById.set(event.messageId, event.seq);
    this.earlyChanges.delete(event.messageId);
  }

  /** A line that was not readable, now opened. */
  reopened(seq: number, text: string): void {
    const line = this.messages.get(seq);
    if (line) this.messages.set(seq, { ...line, content: text, security: "encrypted", failure: undefined, sealed: undefined });
    if (line && this.lastMessage?.messageId === line.messageId) this.lastMessage = { ...this.lastMessage, content: text };
  }

  private change(event: OpenedEvent): void {
    const target = event.targetMessageId;
    if (!target) return;
    const deleted = event.kind === "delete";
    if (!deleted && event.security === "undecryptable") return; // an edit nobody here can read changes nothing shown
    const content = deleted ? null : event.content;
    if (this.lastMessage?.messageId === target && this.lastMessage.senderId === event.senderId) {
      this.lastMessage = { ...this.lastMessage, content, security: deleted ? this.lastMessage.security : event.security, failure: undefined };
    }
    const seq = this.seqById.get(target);
    const shown = seq === undefined ? undefined : this.messages.get(seq);
    if (!shown) {
      this.earlyChanges.set(target, { senderId: event.senderId, content, deleted, security: event.security });
      return;
    }
    // Only a message's sender changes it (the server checks too; a server that lied would show here).
    if (shown.senderId !== event.senderId) return;
    // The line is now as secure as the edit that changed it: a plain edit of an encrypted message shows as plain.
    this.messages.set(shown.seq, { ...shown, content, deleted, edited: !deleted, security: deleted ? shown.security : event.security, failure: undefined, sealed: undefined });
  }

  /** Lines in seq order, for the chat view. */
  lines(): ShownMessage[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  member(userId: string): Member | undefined {
    return this.members.find((m) => m.userId === userId);
  }

  /** Moves a member's receipt positions forward (never back). */
  advance(userId: string, deliveredSeq: number, readSeq: number): void {
    const member = this.member(userId);
    if (!member) return;
    member.readSeq = Math.max(member.readSeq, readSeq);
    member.deliveredSeq = Math.max(member.deliveredSeq, deliveredSeq, member.readSeq);
  }

  /** The ticks of my message at seq: what every other member has received and read. */
  tick(seq: number, me: string): Tick {
    const others = this.members.filter((m) => m.userId !== me);
    if (others.length === 0) return "sent";
    if (others.every((m) => m.readSeq >= seq)) return "read";
    if (others.every((m) => m.deliveredSeq >= seq)) return "delivered";
    return "sent";
  }

  typers(now: number): string[] {
    return [...this.typing].filter(([, until]) => until > now).map(([userId]) => userId);
  }
}
