import { createContext, useContext, useSyncExternalStore } from "react";
import type { ChatStore } from "../chat/chatStore";

export const StoreContext = createContext<ChatStore | null>(null);

/** The signed-in tab's store; the calling view re-renders whenever the store changes. */
export function useStore(): ChatStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useStore outside the chat shell.");
  useSyncExternalStore(store.subscribe, store.snapshot);
  return store;
}
