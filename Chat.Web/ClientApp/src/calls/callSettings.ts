// A person's call preferences, kept on this browser.

const relayOnlyKey = "chat.calls.relayOnly";

/**
 * "Always relay calls": media goes through the TURN relay only, so the other side never learns this device's
 * addresses (Signal offers the same), at the cost of a longer path.
 */
export const callSettings = {
  get relayOnly(): boolean {
    return localStorage.getItem(relayOnlyKey) === "1";
  },
  set relayOnly(value: boolean) {
    if (value) localStorage.setItem(relayOnlyKey, "1");
    else localStorage.removeItem(relayOnlyKey);
  },
};
