import { del, get, set } from "idb-keyval";
import type { Tokens } from "../api/wire";
import { refusalFrom, ServerRefusal } from "../api/problems";

/** Who is signed in here: every tab of the origin shows the same sign-in. */
export interface Session {
  userId: string;
  deviceId: string;
  username: string;
}

interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, in ms since 1970. */
  expiresAt: number;
}

// The sign-in's identity lives in localStorage: read at once on start, and its changes reach the other tabs as
// storage events. Its tokens live in IndexedDB, whose transactions every tab sees in order; localStorage is not
// like that across Chrome's processes, and a tab that read a stale refresh token would present a spent one.
const identityKey = "chat.session";
const tokensKey = "chat.tokens";
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
  const text = localStorage.getItem(identityKey);
  return text ? (JSON.parse(text) as Session) : null;
}

/** Stores new tokens (awaited: the newest refresh token must be safe before anything uses it). */
async function store(tokens: Tokens): Promise<StoredTokens> {
  const stored = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
  await set(tokensKey, stored);
  cached = stored;
  return stored;
}

const fresh = (tokens: StoredTokens): boolean => tokens.expiresAt - refreshMargin > Date.now();

/** This tab's copy of the tokens, so that most calls need no storage read. */
let cached: StoredTokens | undefined;

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
    const tokens = (await response.json()) as Tokens;
    await store(tokens);
    const signedIn = { userId: tokens.userId, deviceId: tokens.deviceId, username: body.username };
    localStorage.setItem(identityKey, JSON.stringify(signedIn));
    return signedIn;
  },

  async accessToken(): Promise<string> {
    if (!read()) throw new SignedOut();
    if (cached && fresh(cached)) return cached.accessToken;
    return navigator.locks.request(refreshLock, async () => {
      const current = await get<StoredTokens>(tokensKey);
      if (!current || !read()) throw new SignedOut();
      if (fresh(current)) {
        cached = current; // another tab refreshed
        return current.accessToken;
      }
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
      return (await store((await response.json()) as Tokens)).accessToken;
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
    cached = undefined;
    localStorage.removeItem(identityKey);
    void del(tokensKey);
  },

  /** Calls back when another tab signs out or signs in as someone else. */
  onChangedElsewhere(callback: (current: Session | null) => void): () => void {
    const listener = (event: StorageEvent) => {
      if (event.key === identityKey || event.key === null) callback(read());
    };
    window.addEventListener("storage", listener);
    return () => window.removeEventListener("storage", listener);
  },
};
