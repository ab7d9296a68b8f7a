import { useState } from "react";
import { describe } from "../api/problems";
import type { ConversationState } from "../chat/conversationState";
import { Dialog } from "./Dialog";
import { useStore } from "./storeContext";
import { UserPicker } from "./UserPicker";

/** A group's members: owners and admins add and remove people; anyone may leave. */
export function MembersDialog({ conversation, onClose }: { conversation: ConversationState; onClose: () => void }) {
  const store = useStore();
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const myRole = conversation.member(store.me.userId)?.role;
  const manages = myRole === "owner" || myRole === "admin";

  async function run(step: () => Promise<void>) {
    try {
      setError(null);
      await step();
    } catch (failure) {
      setError(describe(failure));
    }
  }

  return (
    <Dialog title="Members" onClose={onClose}>
      <ul className="members" aria-label="Members">
        {conversation.members.map((m) => (
          <li key={m.userId}>
            <span>{m.userId === store.me.userId ? "You" : store.name(m.userId)}</span>
            {m.role !== "member" && <span className="muted"> · {m.role}</span>}
            {manages && m.userId !== store.me.userId && (
              <button type="button" className="link" onClick={() => void run(() => store.removeMember(conversation, m.userId))}>
                Remove <span className="visually-hidden">{store.name(m.userId)}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
      {manages && (adding ? (
        <UserPicker exclude={conversation.members.map((m) => m.userId)}
          onPick={(user) => void run(async () => { await store.addMember(conversation, user.id); setAdding(false); })} />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>Add people</button>
      ))}
      <button type="button" className="danger" onClick={() => void run(async () => { await store.removeMember(conversation, store.me.userId); onClose(); })}>
        Leave group
      </button>
    </Dialog>
  );
}
