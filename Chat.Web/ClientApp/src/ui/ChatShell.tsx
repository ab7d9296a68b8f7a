import { useEffect, useState } from "react";
import type { Session } from "../auth/session";
import { session } from "../auth/session";
import { ChatStore } from "../chat/chatStore";
import { CallPanel } from "./CallPanel";
import { ChatView } from "./ChatView";
import { ConversationList } from "./ConversationList";
import { InvitationList } from "./InvitationList";
import { DevicesPage } from "./DevicesPage";
import { NewConversationDialog } from "./NewConversationDialog";
import { StoreContext, useStore } from "./storeContext";

type Dialog = "direct" | "group" | null;

/** The signed-in screen: the conversation list beside the open chat (one at a time on a phone). */
export function ChatShell({ me, onSignedOut }: { me: Session; onSignedOut: (reason: string | null) => void }) {
  const [store] = useState(() => new ChatStore(me, onSignedOut));
  useEffect(() => {
    void store.start();
    return () => void store.stop();
  }, [store]);
  return (
    <StoreContext.Provider value={store}>
      <Shell onSignedOut={onSignedOut} />
    </StoreContext.Provider>
  );
}

function Shell({ onSignedOut }: { onSignedOut: (reason: string | null) => void }) {
  const store = useStore();
  const [page, setPage] = useState<"chats" | "devices">("chats");
  const [dialog, setDialog] = useState<Dialog>(null);
  const me = store.users.get(store.me.userId);
  const showingMain = page === "devices" || store.openId !== null;

  return (
    <div className={`shell${showingMain ? " main-shown" : ""}`}>
      <aside className="sidebar" aria-label="Chats">
        <header className="sidebar-header">
          <div>
            <strong>{me?.displayName ?? store.me.username}</strong>
            <span className={`status status-${store.status}`} role="status">{statusWords[store.status]}</span>
          </div>
          <nav aria-label="Account" className="actions">
            <button type="button" onClick={() => { setPage("chats"); setDialog("direct"); }}>New chat</button>
            <button type="button" onClick={() => { setPage("chats"); setDialog("group"); }}>New group</button>
            <button type="button" onClick={() => { setPage("devices"); void store.openConversation(null); }}>Devices</button>
            <button type="button" onClick={async () => { await session.signOut(); onSignedOut(null); }}>Sign out</button>
          </nav>
        </header>
        <InvitationList />
        <ConversationList onOpen={(id) => { setPage("chats"); void store.openConversation(id); }} />
      </aside>
      <main className="main">
        {page === "devices" ? (
          <DevicesPage onBack={() => setPage("chats")} onSignedOut={onSignedOut} />
        ) : store.open ? (
          <ChatView key={store.open.id} conversation={store.open} />
        ) : (
          <p className="empty">Pick a conversation, or start one with “New chat”.</p>
        )}
      </main>
      <CallPanel />
      {dialog && <NewConversationDialog kind={dialog} onClose={() => setDialog(null)} />}
      {store.notice && <div className="notice" role="alert">{store.notice}</div>}
    </div>
  );
}

const statusWords = {
  connecting: "Connecting…",
  online: "Online",
  reconnecting: "Reconnecting…",
  offline: "Offline: messages will send when you are back",
} as const;
