import { createStore, del, get, set, type UseStore } from "idb-keyval";

/**
 * One device's end-to-end state in IndexedDB (its own database, deleted at sign-out): its private keys as
 * non-extractable CryptoKeys, sessions, sender keys, the envelope cursor, and the plaintext of every message it
 * has read (a message key works once, so what was decrypted is kept to be shown again).
 */
export class KeyStore {
  private readonly store: UseStore;

  constructor(readonly deviceId: string) {
    this.store = createStore(KeyStore.databaseName(deviceId), "state");
  }

  static databaseName = (deviceId: string) => `chat-e2ee-${deviceId}`;

  static forget(deviceId: string): void {
    indexedDB.deleteDatabase(KeyStore.databaseName(deviceId));
  }

  get = <T>(name: string) => get<T>(name, this.store);
  put = <T>(name: string, value: T) => set(name, value, this.store);
  delete = (name: string) => del(name, this.store);
}
