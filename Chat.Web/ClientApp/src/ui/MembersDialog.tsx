import { useState } from "react";
import { describe } from "../api/problems";
import type { ConversationState } from "../chat/conversationState";
import { Dialog } from "./Dialog";
import { useStore } from "./storeContext";
import { UserPicker } from "./UserPicker";

/**
 * A group's members and those invited: the owner makes admins and hands on ownership; owners and admins add people
 * (strangers are invited) and remove those of a lower role; anyone may leave.
 */
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
            {myRole === "owner" && m.userId !== store.me.userId && (
              <>
                {" "}
                <button type="button" className="link" onClick={() => void run(() => store.setRole(conversation, m.userId, m.role === "admin" ? "member" : "admin"))}>
                  {m.role === "admin" ? "Make member" : "Make admin"} <span className="visually-hidden">{store.name(m.userId)}</span>
                </button>{" "}
                <button type="button" className="link" onClick={() => void run(() => store.transferOwnership(conversation, m.userId))}>
                  Make owner <span className="visually-hidden">{store.name(m.userId)}</span>
                </button>
              </>
            )}
            {manages && m.userId !== store.me.userId && m.role !== "owner" && (myRole === "owner" || m.role === "member") && (
              <>
                {" "}
                <button type="button" className="link" onClick={() => void run(() => store.removeMember(conversation, m.userId))}>
                  Remove <span className="visually-hidden">{store.name(m.userId)}</span>
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {conversation.invited.length > 0 && (
        <ul className="members" aria-label="Invited">
          {conversation.invited.map((id) => (
            <li key={id}>
              <span>{store.name(id)}</span><span className="muted"> · invited</span>
              {manages && (
                <>
                  {" "}
                  <button type="button" className="link" onClick={() => void run(() => store.removeMember(conversation, id))}>
                    Withdraw <span className="visually-hidden">{store.name(id)}</span>
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {manages && (adding ? (
        <UserPicker exclude={[...conversation.members.map((m) => m.userId), ...conversation.invited]}
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
