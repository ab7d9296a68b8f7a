import { useLayoutEffect, useRef, useState } from "react";
import type { ConversationState, ShownMessage } from "../chat/conversationState";
import { Composer } from "./Composer";
import { MembersDialog } from "./MembersDialog";
import { MessageRow } from "./MessageRow";
import { useStore } from "./storeContext";
import { ago } from "./time";

export function ChatView({ conversation }: { conversation: ConversationState }) {
  const store = useStore();
  const [editing, setEditing] = useState<ShownMessage | null>(null);
  const [membersOpen, setMembersOpen] = useState(false);
  const log = useRef<HTMLDivElement>(null);
  const lines = conversation.lines();
  const title = store.titleOf(conversation);

  // Stay at the bottom as messages come, unless the person scrolled up to read.
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    if (atBottom.current && log.current) log.current.scrollTop = log.current.scrollHeight;
  });

  const typers = conversation.typers(Date.now()).map((id) => store.name(id));
  return (
    <section className="chat" aria-label={`Conversation: ${title}`}>
      <header className="chat-header">
        <button type="button" className="back" onClick={() => void store.openConversation(null)} aria-label="Back to conversations">←</button>
        <div>
          <h2>{title}</h2>
          <p className="subtitle" aria-live="polite">{subtitle(store, conversation, typers)}</p>
        </div>
        {!conversation.left && conversation.request === null && (
          <span className="call-buttons">
            <button type="button" aria-label="Start voice call" title="Voice call" disabled={store.calls.active !== null}
              onClick={() => void store.calls.start(conversation.id, "audio")}>📞</button>
            <button type="button" aria-label="Start video call" title="Video call" disabled={store.calls.active !== null}
              onClick={() => void store.calls.start(conversation.id, "video")}>🎥</button>
          </span>
        )}
        {conversation.kind === "group" && !conversation.left && (
          <button type="button" onClick={() => setMembersOpen(true)}>Members</button>
        )}
      </header>
      <div className="messages" role="log" aria-label="Messages" ref={log}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          if (el.scrollTop < 40 && conversation.hasOlder) void store.loadOlder(conversation);
        }}>
        <p className="system">🔒 Messages sent from this app are end-to-end encrypted: only the members' devices can read them.</p>
        {conversation.request === "sent" && (
          <p className="system">Message request sent: {title} sees your messages once they accept it.</p>
        )}
        {conversation.hasOlder && (
          <button type="button" className="older" disabled={conversation.loadingHistory} onClick={() => void store.loadOlder(conversation)}>
            {conversation.loadingHistory ? "Loading…" : "Load earlier messages"}
          </button>
        )}
        {lines.map((line) => <MessageRow key={line.seq} conversation={conversation} line={line} onEdit={setEditing} />)}
        {conversation.pending.map((pending) => (
          <article key={pending.clientMessageId} className="message mine" data-status={pending.error ? "failed" : "pending"}>
            <p className="content">{pending.content}</p>
            {pending.error ? (
              <p className="error" role="alert">
                {pending.error}{" "}
                <button type="button" className="link" onClick={() => store.retry(conversation, pending.clientMessageId)}>Retry</button>{" "}
                <button type="button" className="link" onClick={() => store.discard(conversation, pending.clientMessageId)}>Discard</button>
              </p>
            ) : (
              <span className="meta"><span className="tick" role="img" aria-label="Sending" title="Sending">🕓</span></span>
            )}
          </article>
        ))}
      </div>
      {conversation.left ? (
        <p className="left-note">You are no longer a member of this conversation.</p>
      ) : conversation.request === "received" ? (
        <div className="request-note" role="region" aria-label="Message request">
          <p>{title} wants to message you. Neither of you sees when the other is online, and you cannot reply, until you accept.</p>
          <button type="button" onClick={() => void store.answerRequest(conversation, "accept")}>Accept</button>{" "}
          <button type="button" onClick={() => void store.answerRequest(conversation, "decline")}>Delete</button>{" "}
          <button type="button" onClick={() => void store.answerRequest(conversation, "block")}>Block</button>
        </div>
      ) : (
        <Composer conversation={conversation} editing={editing} onDoneEditing={() => setEditing(null)} />
      )}
      {membersOpen && <MembersDialog conversation={conversation} onClose={() => setMembersOpen(false)} />}
    </section>
  );
}

function subtitle(store: ReturnType<typeof useStore>, conversation: ConversationState, typers: string[]): string {
  if (typers.length > 0) return `${typers.join(", ")} ${typers.length === 1 ? "is" : "are"} typing…`;
  const peer = store.peerOf(conversation);
  if (!peer) return `${conversation.members.length} members`;
  const presence = store.presence.get(peer);
  if (!presence) return "";
  if (presence.online) return "Online";
  return presence.lastSeenAt ? `Last seen ${ago(presence.lastSeenAt)}` : "Offline";
}
