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

export type MessageKind = "text" | "edit" | "delete" | "memberAdded" | "memberRemoved" | "memberLeft";

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
