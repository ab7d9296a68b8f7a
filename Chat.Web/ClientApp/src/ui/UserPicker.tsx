import { useEffect, useState } from "react";
import { api } from "../api/http";
import { describe } from "../api/problems";
import type { User, UserPage } from "../api/wire";
import { useStore } from "./storeContext";

/** Search people by username or display name and pick one. */
export function UserPicker({ onPick, exclude = [] }: { onPick: (user: User) => void; exclude?: string[] }) {
  const store = useStore();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const trimmed = query.trim();
    if (!trimmed) {
      setFound([]);
      return;
    }
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const page = await api<UserPage>("GET", `/api/users?query=${encodeURIComponent(trimmed)}&pageSize=10`);
        if (current) {
          setFound(page.items);
          setError(null);
        }
      } catch (failure) {
        if (current) setError(describe(failure));
      }
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);

  const shown = found.filter((u) => u.id !== store.me.userId && !exclude.includes(u.id));
  return (
    <div className="picker">
      <label>
        Search people
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus placeholder="Name or username" />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <ul aria-label="People found">
        {shown.map((user) => (
          <li key={user.id}>
            <button type="button" onClick={() => { store.users.set(user.id, user); onPick(user); }}>
              {user.displayName} <span className="muted">@{user.username}</span>
            </button>
          </li>
        ))}
        {query.trim() && shown.length === 0 && !error && <li className="muted">Nobody found.</li>}
      </ul>
    </div>
  );
}
