import { useEffect, useRef } from "react";
import type { CallView } from "../api/wire";
import type { ActiveCall } from "../calls/callManager";
import type { PeerLink } from "../calls/peerLink";
import { useStore } from "./storeContext";

/** The call on top of everything: a call ringing here, or the one this tab is in. */
export function CallPanel() {
  const { calls } = useStore();
  if (calls.active) return <ActiveCallPanel active={calls.active} />;
  if (calls.incoming) return <IncomingCall call={calls.incoming} />;
  return null;
}

function IncomingCall({ call }: { call: CallView }) {
  const store = useStore();
  const conversation = store.conversations.get(call.conversationId);
  const where = conversation?.kind === "group" ? ` in ${store.titleOf(conversation)}` : "";
  return (
    <div className="call-incoming" role="alertdialog" aria-label="Incoming call" aria-describedby="incoming-call-words">
      <p id="incoming-call-words">
        {call.media === "video" ? "🎥" : "📞"} {store.name(call.callerId)} is calling{where}
        {call.media === "video" ? " (video)" : ""}…
      </p>
      <button type="button" className="accept" onClick={() => void store.calls.accept()}>Accept</button>
      <button type="button" className="danger" onClick={() => void store.calls.reject()}>Decline</button>
    </div>
  );
}

function ActiveCallPanel({ active }: { active: ActiveCall }) {
  const store = useStore();
  const peers = [...active.peers.values()];
  const others = active.call.invitees.concat(active.call.callerId).filter((id) => id !== store.me.userId);
  const status = active.call.state === "ringing" ? `Calling ${others.map((id) => store.name(id)).join(", ")}…`
    : peers.some((p) => p.state === "connected") ? "In call"
    : "Connecting…";
  return (
    <section className="call" aria-label="Call" data-call-state={active.call.state}>
      <p role="status">{status}</p>
      <div className="call-media">
        {peers.map((peer) => <RemoteMedia key={peer.deviceId} peer={peer} name={store.name(peer.userId)} />)}
        {active.call.media === "video" && <Media stream={active.local} label="Your camera" muted />}
      </div>
      <button type="button" className="danger" onClick={() => void store.calls.hangUp()}>Hang up</button>
    </section>
  );
}

function RemoteMedia({ peer, name }: { peer: PeerLink; name: string }) {
  return (
    <figure className="peer" data-device={peer.deviceId} data-connection={peer.state} data-path={peer.path ?? undefined}>
      <Media stream={peer.remoteStream} label={`${name}'s ${peer.remoteStream?.getVideoTracks().length ? "video" : "audio"}`} />
      <figcaption>{name}{peer.path === "relay" ? " · relayed" : ""}</figcaption>
    </figure>
  );
}

function Media({ stream, label, muted = false }: { stream: MediaStream | null; label: string; muted?: boolean }) {
  const element = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (element.current && element.current.srcObject !== stream) element.current.srcObject = stream;
  }, [stream]);
  return <video ref={element} autoPlay playsInline muted={muted} aria-label={label} />;
}
