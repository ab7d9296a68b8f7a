import { useEffect, useState } from "react";
import { describe } from "../api/problems";
import { downloadFile, parseDescription } from "../attachments/files";

/**
 * A file in the chat: an image is downloaded, decrypted and shown at once; any other file on request, then saved.
 * The bytes live in a blob: URL made here, released when the line goes.
 */
export function AttachmentView({ attachmentId, content }: { attachmentId: string; content: string | null }) {
  const description = parseDescription(content);
  const image = description?.contentType.startsWith("image/") ?? false;
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function load(): Promise<string | null> {
    if (!description) return null;
    setLoading(true);
    try {
      const made = URL.createObjectURL(await downloadFile(attachmentId, description));
      setUrl(made);
      return made;
    } catch (failure) {
      setError(describe(failure));
      return null;
    } finally {
      setLoading(false);
    }
  }

  // Once per file: an attachment message is never edited, so an id's description does not change.
  useEffect(() => {
    if (image) void load();
  }, [attachmentId]);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);

  if (!description) return <p className="content undecryptable">📎 A file this app cannot show.</p>;
  const size = `${Math.max(1, Math.round(description.size / 1024))} KiB`;
  if (error) return <p className="content error" role="alert">📎 {description.name}: {error}</p>;
  if (image) {
    return url ? (
      <figure className="content attachment">
        <img src={url} alt={description.name} width={description.width} height={description.height} />
        <figcaption>{description.name} · {size}</figcaption>
      </figure>
    ) : <p className="content attachment">🖼 {description.name} · {size} · Loading…</p>;
  }

  return (
    <p className="content attachment">
      📎 {description.name} · {size}{" "}
      {url ? <a href={url} download={description.name}>Save</a> : (
        <button type="button" className="link" disabled={loading} onClick={async () => {
          const made = await load();
          if (made) {
            const link = Object.assign(document.createElement("a"), { href: made, download: description.name });
            link.click();
          }
        }}>{loading ? "Downloading…" : "Download"}</button>
      )}
    </p>
  );
}
