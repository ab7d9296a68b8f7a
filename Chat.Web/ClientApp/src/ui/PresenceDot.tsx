import { ago } from "./time";
import { useStore } from "./storeContext";

/** Green when any device of the user is connected; otherwise grey, with when they were last seen. */
export function PresenceDot({ userId }: { userId: string }) {
  const presence = useStore().presence.get(userId);
  const words = !presence ? "Presence unknown" : presence.online ? "Online"
    : presence.lastSeenAt ? `Last seen ${ago(presence.lastSeenAt)}` : "Offline";
  return <span className={`dot ${presence?.online ? "dot-online" : "dot-offline"}`} role="img" aria-label={words} title={words} />;
}
