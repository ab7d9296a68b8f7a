import { parseDescription } from "../attachments/files";
import { useStore } from "./storeContext";
import { PresenceDot } from "./PresenceDot";

export function ConversationList({ onOpen }: { onOpen: (id: string) => void }) {
  const store = useStore();
  const conversations = store.list();
  if (conversations.length === 0) return <p className="empty">No conversations yet.</p>;
  return (
    <ul className="conversations" aria-label="Conversations">
      {conversations.map((c) => {
        const peer = store.peerOf(c);
        const last = c.lastMessage;
        const preview = !last ? "No messages yet" : last.security === "undecryptable" ? "🔒 Encrypted message" : last.content === null ? "Message deleted"
          : `${last.senderId === store.me.userId ? "You: " : c.kind === "group" ? `${store.name(last.senderId)}: ` : ""}${last.security === "plain" ? "(not encrypted) " : ""}${last.kind === "attachment" ? `📎 ${parseDescription(last.content)?.name ?? "File"}` : last.content}`;
        return (
          <li key={c.id}>
            <button type="button" className="conversation" aria-current={store.openId === c.id ? "true" : undefined}
              onClick={() => onOpen(c.id)} data-conversation={c.id}>
              {peer ? <PresenceDot userId={peer} /> : <span className="group-mark" aria-hidden="true">#</span>}
              <span className="conversation-text">
                <span className="conversation-title">{store.titleOf(c)}</span>
                <span className="conversation-preview">{c.left ? "You are no longer a member" : preview}</span>
              </span>
              {c.unreadCount > 0 && (
                <span className="unread" aria-label={`${c.unreadCount} unread`} data-unread={c.unreadCount}>{c.unreadCount}</span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
