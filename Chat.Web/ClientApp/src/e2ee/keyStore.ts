import { clear, createStore, del, get, set, setMany, type UseStore } from "idb-keyval";

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

  /**
   * Empties the store at once (its connections may stay open in other tabs, which would hold up deleting the
   * database), then deletes the database, which completes when the last tab lets go of it.
   */
  static async forget(deviceId: string): Promise<void> {
    await clear(createStore(KeyStore.databaseName(deviceId), "state"));
    indexedDB.deleteDatabase(KeyStore.databaseName(deviceId));
  }

  get = <T>(name: string) => get<T>(name, this.store);
  put = <T>(name: string, value: T) => set(name, value, this.store);
  delete = (name: string) => del(name, this.store);
  /** Several entries in one transaction: all are stored, or none. */
  putAll = (entries: [string, unknown][]) => setMany(entries, this.store);
}
