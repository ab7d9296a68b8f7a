import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import type { ConversationState, ShownMessage } from "../chat/conversationState";
import { useStore } from "./storeContext";

// The protocol's limit is 64 KiB of UTF-8; refusing here saves a round trip and says why at once.
const maxBytes = 64 * 1024;

/** The message box: Enter sends, Shift+Enter starts a new line; also edits one of my messages. */
export function Composer({ conversation, editing, onDoneEditing }: {
  conversation: ConversationState;
  editing: ShownMessage | null;
  onDoneEditing: () => void;
}) {
  const store = useStore();
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) {
      setText(editing.content ?? "");
      box.current?.focus();
    }
  }, [editing]);

  const tooLong = new TextEncoder().encode(text).length > maxBytes;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const content = text.trim();
    if (!content || tooLong) return;
    if (editing) {
      void store.edit(conversation, editing.messageId, content);
      onDoneEditing();
    } else {
      store.send(conversation, content);
    }
    setText("");
  }

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape" && editing) {
      onDoneEditing();
      setText("");
    }
  }

  return (
    <form className="composer" onSubmit={submit} aria-label={editing ? "Edit message" : "Send a message"}>
      {editing && (
        <p className="editing">
          Editing a message.{" "}
          <button type="button" className="link" onClick={() => { onDoneEditing(); setText(""); }}>Cancel</button>
        </p>
      )}
      <label className="visually-hidden" htmlFor="message-box">Message</label>
      <textarea id="message-box" ref={box} rows={2} value={text} placeholder="Write a message"
        onChange={(e) => { setText(e.target.value); if (e.target.value) store.typing(conversation); }} onKeyDown={keyDown}
        aria-invalid={tooLong} aria-describedby={tooLong ? "too-long" : undefined} />
      {tooLong && <p id="too-long" className="error" role="alert">That message is too long to send.</p>}
      {!editing && (
        <>
          <input ref={picker} type="file" className="visually-hidden" tabIndex={-1} aria-hidden="true"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void store.sendFile(conversation, file);
            }} />
          <button type="button" aria-label="Attach a file" title="Attach a file" disabled={store.uploading > 0} onClick={() => picker.current?.click()}>
            {store.uploading > 0 ? "Uploading…" : "📎"}
          </button>
        </>
      )}
      <button type="submit" disabled={!text.trim() || tooLong}>{editing ? "Save" : "Send"}</button>
    </form>
  );
}
