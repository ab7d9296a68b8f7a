import type { Tokens } from "../api/wire";
import { refusalFrom, ServerRefusal } from "../api/problems";

/** What this browser keeps of a sign-in. Every tab of the origin shares it through localStorage. */
export interface Session {
  userId: string;
  deviceId: string;
  username: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, in ms since 1970. */
  expiresAt: number;
}

const storageKey = "chat.session";
const refreshLock = "chat.session.refresh";
// Refresh a little before expiry, so a token never expires between being read and being used.
const refreshMargin = 60_000;

/** The sign-in is gone (signed out here, in another tab, or by another device): show the login page. */
export class SignedOut extends Error {
  constructor(readonly reason: string | null = null) {
    super(reason ?? "Signed out.");
  }
}

function read(): Session | null {
  const text = localStorage.getItem(storageKey);
  return text ? (JSON.parse(text) as Session) : null;
}

function write(tokens: Tokens, username: string): Session {
  const session: Session = {
    userId: tokens.userId,
    deviceId: tokens.deviceId,
    username,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  };
  localStorage.setItem(storageKey, JSON.stringify(session));
  return session;
}

const fresh = (session: Session) => session.expiresAt - refreshMargin > Date.now();

/**
 * The sign-in this browser holds. A refresh token works once, and presenting a used one signs the device out, so
 * refreshing is done under a Web Lock shared by every tab: the tab that takes the lock first refreshes and stores
 * the result; the tabs that waited find a fresh token stored and take it instead of refreshing again.
 */
export const session = {
  current: read,

  async signIn(path: "/api/auth/login" | "/api/auth/register", body: Record<string, string>): Promise<Session> {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await refusalFrom(response, {
        401: "Wrong username or password.",
        409: "That username is taken. Choose another.",
      });
    }
    return write((await response.json()) as Tokens, body.username);
  },

  async accessToken(): Promise<string> {
    const stored = read();
    if (!stored) throw new SignedOut();
    if (fresh(stored)) return stored.accessToken;
    return navigator.locks.request(refreshLock, async () => {
      const current = read();
      if (!current) throw new SignedOut();
      if (fresh(current)) return current.accessToken;
      const response = await fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
      if (response.status === 401) {
        session.forget();
        throw new SignedOut("Your sign-in has ended. Sign in again.");
      }
      if (!response.ok) throw await refusalFrom(response);
      return write((await response.json()) as Tokens, current.username).accessToken;
    });
  },

  /** Ends the sign-in on the server (its other tabs follow through the storage event), then here. */
  async signOut(): Promise<void> {
    try {
      const token = await session.accessToken();
      await fetch("/api/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    } catch (error) {
      if (!(error instanceof SignedOut || error instanceof ServerRefusal || error instanceof TypeError)) throw error;
    } finally {
      session.forget();
    }
  },

  forget(): void {
    localStorage.removeItem(storageKey);
  },

  /** Calls back when another tab signs out or signs in as someone else. */
  onChangedElsewhere(callback: (current: Session | null) => void): () => void {
    const listener = (event: StorageEvent) => {
      if (event.key === storageKey || event.key === null) callback(read());
    };
    window.addEventListener("storage", listener);
    return () => window.removeEventListener("storage", listener);
  },
};
