import { useCallback, useEffect, useState } from "react";
import { api } from "../api/http";
import { describe } from "../api/problems";
import type { Device } from "../api/wire";
import { session, SignedOut } from "../auth/session";
import { callSettings } from "../calls/callSettings";

/** Where this account is signed in; any other device can be signed out from here. */
export function DevicesPage({ onBack, onSignedOut }: { onBack: () => void; onSignedOut: (reason: string | null) => void }) {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [relayOnly, setRelayOnly] = useState(callSettings.relayOnly);

  const run = useCallback(async (step: () => Promise<void>) => {
    try {
      setError(null);
      await step();
    } catch (failure) {
      if (failure instanceof SignedOut) onSignedOut(failure.reason);
      else setError(describe(failure));
    }
  }, [onSignedOut]);

  const load = useCallback(() => run(async () => setDevices(await api<Device[]>("GET", "/api/devices"))), [run]);
  useEffect(() => void load(), [load]);

  return (
    <section className="devices" aria-label="Devices">
      <header className="chat-header">
        <button type="button" className="back" onClick={onBack} aria-label="Back to conversations">←</button>
        <h2>Devices</h2>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      {!devices ? <p>Loading…</p> : (
        <ul aria-label="Signed-in devices">
          {devices.map((d) => (
            <li key={d.id} data-device={d.id}>
              <span>{d.name}</span>{" "}
              <span className="muted">signed in {new Date(d.createdAt).toLocaleDateString()}</span>{" "}
              {d.isCurrent ? (
                <>
                  <strong>This device</strong>{" "}
                  <button type="button" onClick={async () => { await session.signOut(); onSignedOut(null); }}>Sign out</button>
                </>
              ) : (
                <button type="button" onClick={() => void run(async () => { await api<void>("DELETE", `/api/devices/${d.id}`); await load(); })}>
                  Sign out <span className="visually-hidden">{d.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>Calls</h3>
      <label className="setting">
        <input type="checkbox" checked={relayOnly} onChange={(e) => { callSettings.relayOnly = e.target.checked; setRelayOnly(e.target.checked); }} />
        Always relay calls through the server, so the people you call do not learn your IP address
      </label>
    </section>
  );
}
