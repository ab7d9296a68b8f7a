import { useEffect, useState } from "react";
import { type Session, session } from "../auth/session";
import { SecureMessenger } from "../e2ee/secureMessenger";
import { ChatShell } from "./ChatShell";
import { LoginPage } from "./LoginPage";

/** The login page until there is a sign-in, then the chat; back to the login page when the sign-in ends. */
export function App() {
  const [current, setCurrent] = useState<Session | null>(session.current);
  const [reason, setReason] = useState<string | null>(null);

  // Another tab signed out, or signed in as someone else. A token refresh elsewhere keeps the same device.
  useEffect(
    () =>
      session.onChangedElsewhere((stored) => {
        setCurrent((shown) => {
          if (stored?.deviceId === shown?.deviceId) return shown;
          if (!stored) setReason("You signed out in another tab.");
          if (shown) void SecureMessenger.forget(shown.deviceId);
          return stored;
        });
      }),
    [],
  );

  if (!current) {
    return <LoginPage reason={reason} onSignedIn={(signedIn) => { setReason(null); setCurrent(signedIn); }} />;
  }
  return (
    <ChatShell
      key={current.deviceId}
      me={current}
      onSignedOut={(why) => {
        session.forget();
        void SecureMessenger.forget(current.deviceId); // the device is gone: so are its keys
        setReason(why);
        setCurrent(null);
      }}
    />
  );
}
