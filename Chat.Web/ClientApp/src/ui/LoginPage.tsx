import { type FormEvent, useState } from "react";
import { describe } from "../api/problems";
import { type Session, session } from "../auth/session";

type Mode = "login" | "register";

export function LoginPage({ reason, onSignedIn }: { reason: string | null; onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<Mode>("login");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "");
    setBusy(true);
    setError(null);
    try {
      const signedIn =
        mode === "login"
          ? await session.signIn("/api/auth/login", { username: field("username"), password: field("password"), deviceName: deviceName() })
          : await session.signIn("/api/auth/register", { username: field("username"), password: field("password"), displayName: field("displayName") });
      onSignedIn(signedIn);
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  }

  const registering = mode === "register";
  return (
    <main className="login">
      <h1>Chat</h1>
      {reason && <p className="notice-inline" role="status">{reason}</p>}
      <form onSubmit={submit} aria-label={registering ? "Create an account" : "Sign in"}>
        <h2>{registering ? "Create an account" : "Sign in"}</h2>
        <label>
          Username
          <input name="username" autoComplete="username" required minLength={3} maxLength={32} autoFocus />
        </label>
        {registering && (
          <label>
            Display name
            <input name="displayName" autoComplete="name" required maxLength={64} />
          </label>
        )}
        <label>
          Password
          <input name="password" type="password" autoComplete={registering ? "new-password" : "current-password"} required minLength={8} maxLength={128} />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{registering ? "Create account" : "Sign in"}</button>
      </form>
      <p>
        {registering ? "Have an account? " : "New here? "}
        <button type="button" className="link" onClick={() => { setMode(registering ? "login" : "register"); setError(null); }}>
          {registering ? "Sign in" : "Create an account"}
        </button>
      </p>
    </main>
  );
}

/** What the devices list calls this sign-in: the browser and the system it runs on. */
function deviceName(): string {
  const agent = navigator.userAgent;
  const browser = /Firefox\//.test(agent) ? "Firefox" : /Edg\//.test(agent) ? "Edge" : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "Browser";
  const system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS" : /Mac OS X/.test(agent) ? "macOS" : /Windows/.test(agent) ? "Windows" : /Linux/.test(agent) ? "Linux" : "the web";
  return `${browser} on ${system}`;
}
