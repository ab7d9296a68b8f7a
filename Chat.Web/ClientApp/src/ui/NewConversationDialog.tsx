import { type FormEvent, useState } from "react";
import { describe } from "../api/problems";
import type { User } from "../api/wire";
import { Dialog } from "./Dialog";
import { useStore } from "./storeContext";
import { UserPicker } from "./UserPicker";

/** Start a direct chat with one person, or a group with a title and some people. */
export function NewConversationDialog({ kind, onClose }: { kind: "direct" | "group"; onClose: () => void }) {
  const store = useStore();
  const [members, setMembers] = useState<User[]>([]);
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function run(step: () => Promise<void>) {
    try {
      setError(null);
      await step();
      onClose();
    } catch (failure) {
      setError(describe(failure));
    }
  }

  if (kind === "direct") {
    return (
      <Dialog title="New chat" onClose={onClose}>
        <UserPicker onPick={(user) => void run(() => store.startDirect(user.id))} />
        {error && <p className="error" role="alert">{error}</p>}
      </Dialog>
    );
  }

  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(() => store.startGroup(title.trim(), members.map((m) => m.id)));
  };
  return (
    <Dialog title="New group" onClose={onClose}>
      <form onSubmit={create}>
        <label>
          Group name
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={128} />
        </label>
        <ul className="chosen" aria-label="Members chosen">
          {members.map((m) => (
            <li key={m.id}>
              {m.displayName}{" "}
              <button type="button" className="link" aria-label={`Remove ${m.displayName}`}
                onClick={() => setMembers(members.filter((x) => x.id !== m.id))}>×</button>
            </li>
          ))}
        </ul>
        <UserPicker exclude={members.map((m) => m.id)} onPick={(user) => setMembers([...members, user])} />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={!title.trim()}>Create group</button>
      </form>
    </Dialog>
  );
}
