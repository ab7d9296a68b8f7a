import { useState } from "react";
import type { CallRecord } from "../api/wire";
import { duration } from "../calls/callManager";
import { AttachmentView } from "./AttachmentView";
import type { ConversationState, ShownMessage } from "../chat/conversationState";
import { useStore } from "./storeContext";
import { timeOf } from "./time";

/** Why a message shows no text here, in words (docs/e2ee.md's failures). */
function undecryptable(failure: string | undefined): string {
  if (failure === "NoKey") return "🔒 Waiting for this message's key. Messages sent before this device signed in cannot be read here.";
  return "🔒 This message could not be decrypted on this device.";
}

const tickMarks = { sent: ["✓", "Sent"], delivered: ["✓✓", "Delivered"], read: ["✓✓", "Read"] } as const;

export function MessageRow({ conversation, line, onEdit }: {
  conversation: ConversationState;
  line: ShownMessage;
  onEdit: (line: ShownMessage) => void;
}) {
  const store = useStore();
  const [confirming, setConfirming] = useState(false);
  if (line.kind === "call") {
    return <p className="system call-line" data-seq={line.seq}>{callWords(line.content, line.senderId === store.me.userId)}</p>;
  }
  if (line.kind !== "text" && line.kind !== "attachment") {
    const actor = store.name(line.senderId);
    const member = line.memberId ? store.name(line.memberId) : "someone";
    const words = line.kind === "memberAdded" ? (line.memberId === line.senderId ? `${member} joined` : `${actor} added ${member}`)
      : line.kind === "memberRemoved" ? `${actor} removed ${member}`
      : line.kind === "roleChanged" ? `${member} is now ${line.content === "admin" ? "an admin" : line.content === "owner" ? "the owner" : "a member"}`
      : `${member} left`;
    return <p className="system" data-seq={line.seq}>{words}</p>;
  }

  const mine = line.senderId === store.me.userId;
  const tick = mine ? conversation.tick(line.seq, store.me.userId) : null;
  return (
    <article className={`message ${mine ? "mine" : "theirs"}`} data-seq={line.seq} data-status={tick ?? undefined}
      aria-label={`${mine ? "You" : store.name(line.senderId)} at ${timeOf(line.sentAt)}`}>
      {!mine && conversation.kind === "group" && <p className="sender">{store.name(line.senderId)}</p>}
      {line.deleted ? <p className="content deleted">This message was deleted.</p>
        : line.security === "undecryptable" ? <p className="content undecryptable">{undecryptable(line.failure)}</p>
        : line.kind === "attachment" && line.attachmentId ? <AttachmentView attachmentId={line.attachmentId} content={line.content} />
        : <p className="content">{line.content}</p>}
      <span className="meta">
        {line.security === "plain" && !line.deleted && (
          <span className="plain" title="Sent without end-to-end encryption, by a client that does not encrypt">not encrypted</span>
        )}
        {line.edited && <span className="edited">edited</span>}
        <time dateTime={line.sentAt}>{timeOf(line.sentAt)}</time>
        {tick && (
          <span className={`tick tick-${tick}`} role="img" aria-label={tickMarks[tick][1]} title={tickMarks[tick][1]}>{tickMarks[tick][0]}</span>
        )}
      </span>
      {mine && !line.deleted && line.security !== "undecryptable" && !conversation.left && (
        <span className="message-actions">
          {confirming ? (
            <>
              <button type="button" className="link danger" onClick={() => { setConfirming(false); void store.remove(conversation, line.messageId); }}>
                Delete for everyone
              </button>
              <button type="button" className="link" onClick={() => setConfirming(false)}>Keep</button>
            </>
          ) : (
            <>
              {line.kind === "text" && <button type="button" className="link" onClick={() => onEdit(line)}>Edit</button>}
              <button type="button" className="link" onClick={() => setConfirming(true)}>Delete</button>
            </>
          )}
        </span>
      )}
    </article>
  );
}

/** A call's line in the history, from its record (docs/protocol.md, "The call message"). */
function callWords(content: string | null, placedByMe: boolean): string {
  let record: CallRecord;
  try {
    record = JSON.parse(content ?? "") as CallRecord;
  } catch {
    return "📞 Call";
  }
  const icon = record.media === "video" ? "🎥" : "📞";
  const kind = record.media === "video" ? "Video call" : "Voice call";
  switch (record.outcome) {
    case "completed": return `${icon} ${kind}, ${duration(record.durationSeconds ?? 0)}`;
    case "missed": return `${icon} ${placedByMe ? `${kind}, no answer` : `Missed ${kind.toLowerCase()}`}`;
    case "rejected": return `${icon} ${kind} declined`;
    case "cancelled": return `${icon} ${placedByMe ? `${kind} cancelled` : `Missed ${kind.toLowerCase()}`}`;
    case "busy": return `${icon} ${kind}, busy`;
    default: return `${icon} ${kind}`;
  }
}
