// The shapes docs/protocol.md gives, as the API and the hub send them over JSON.

export interface Tokens {
  userId: string;
  deviceId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  createdAt: string;
}

export interface UserPage {
  items: User[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

export interface Device {
  id: string;
  name: string;
  platform: string | null;
  hasPushToken: boolean;
  isCurrent: boolean;
  createdAt: string;
}

export interface Member {
  userId: string;
  role: string;
  deliveredSeq: number;
  readSeq: number;
}

export type MessageKind = "text" | "attachment" | "edit" | "delete" | "memberAdded" | "memberRemoved" | "memberLeft" | "roleChanged" | "call";

export interface MessageEvent {
  messageId: string;
  conversationId: string;
  seq: number;
  kind: MessageKind;
  senderId: string;
  senderDeviceId: string;
  clientMessageId: string;
  content: string | null;
  targetMessageId: string | null;
  sentAt: string;
  memberId: string | null;
  /** The file a message of kind "attachment" carries. */
  attachmentId?: string | null;
}

export interface Conversation {
  id: string;
  kind: "direct" | "group";
  title: string | null;
  members: Member[];
  lastSeq: number;
  readSeq: number;
  unreadCount: number;
  lastMessage: MessageEvent | null;
  createdAt: string;
  lastActivityAt: string;
  /** "received": a message request this user has not answered; "sent": one the other member has not. */
  request: "received" | "sent" | null;
  hidden: boolean;
  mutedUntil: string | null;
  invited: { userId: string; invitedBy: string; createdAt: string }[];
}

/** An invitation to a group from someone this user shares no conversation with (GET /api/invitations, the invitation event). */
export interface Invitation {
  conversationId: string;
  title: string | null;
  invitedBy: string;
  createdAt: string;
  memberCount: number;
}

export interface ConversationPage {
  conversations: Conversation[];
  next: string | null;
}

export interface MessagePage {
  messages: MessageEvent[];
  hasMore: boolean;
}

export interface MessageAck {
  messageId: string;
  conversationId: string;
  seq: number;
  sentAt: string;
}

export interface Position {
  conversationId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

export interface SyncResult {
  messages: MessageEvent[];
  hasMore: boolean;
  positions: Position[];
}

export interface Receipt {
  conversationId: string;
  userId: string;
  kind: "delivered" | "read";
  seq: number;
}

export interface Presence {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
}

export interface Typing {
  conversationId: string;
  userId: string;
}

// ---- calls (docs/protocol.md, "Calls on the hub") ----

export interface CallParticipant {
  userId: string;
  deviceId: string;
}

export interface CallView {
  callId: string;
  conversationId: string;
  callerId: string;
  callerDeviceId: string;
  media: "audio" | "video";
  state: "ringing" | "active" | "ended";
  invitees: string[];
  participants: CallParticipant[];
  declined: string[];
  startedAt: string;
  ringUntil: string;
  answeredAt: string | null;
  endedAt: string | null;
  outcome: "completed" | "missed" | "rejected" | "cancelled" | "busy" | null;
  durationSeconds: number | null;
}

export interface CallEvent {
  type: "ringing" | "joined" | "declined" | "left" | "unanswered" | "ended" | "state";
  call: CallView;
  userId: string | null;
  deviceId: string | null;
}

export interface CallSignal {
  callId: string;
  fromUserId: string;
  fromDeviceId: string;
  type: "offer" | "answer" | "candidate";
  data: string;
}

/** The content of a message of kind "call". */
export interface CallRecord {
  callId: string;
  outcome: NonNullable<CallView["outcome"]>;
  media: CallView["media"];
  durationSeconds: number | null;
  participants: string[];
}

export interface TurnCredentials {
  username: string;
  password: string;
  ttl: number;
  uris: string[];
}
