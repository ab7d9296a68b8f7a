import { type ReactNode, useEffect, useRef } from "react";

/** A modal dialog (the platform's own: focus stays inside, Escape closes it). */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current!;
    element.showModal();
    return () => element.close();
  }, []);
  return (
    <dialog ref={dialog} aria-label={title} onClose={onClose} onCancel={onClose}>
      <header className="dialog-header">
        <h2>{title}</h2>
        <button type="button" onClick={onClose} aria-label="Close">×</button>
      </header>
      {children}
    </dialog>
  );
}
