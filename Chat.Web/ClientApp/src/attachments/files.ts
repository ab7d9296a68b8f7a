import { api } from "../api/http";
import { ServerRefusal } from "../api/problems";
import { decryptFile, encryptFile, newFileKey } from "../crypto/attachmentCipher";
import { type Bytes, toHex } from "../crypto/bytes";

/** What an attachment message's (encrypted) text says of its file: docs/e2ee.md, "Attachments". */
export interface FileDescription {
  type: "attachment";
  key: string;
  sha256: string;
  size: number;
  contentType: string;
  name: string;
  width?: number;
  height?: number;
}

interface UploadGrant {
  attachmentId: string;
  uploadUrl: string;
}

interface DownloadGrant {
  downloadUrl: string;
}

const sha256 = async (bytes: Bytes): Promise<string> => toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));

const base64 = (bytes: Bytes): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Bytes => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/**
 * Encrypts a file with a key of its own and uploads the ciphertext straight to storage with the API's grant
 * (docs/protocol.md, "Attachments"); answers the attachment's id and the description the message carries.
 */
export async function uploadFile(conversationId: string, file: File): Promise<{ attachmentId: string; description: FileDescription }> {
  const plaintext = new Uint8Array(await file.arrayBuffer());
  const key = newFileKey();
  const ciphertext = await encryptFile(key, plaintext);
  const grant = await api<UploadGrant>("POST", `/api/conversations/${conversationId}/attachments`,
    { size: ciphertext.length, contentType: "application/octet-stream", sha256: await sha256(ciphertext) });
  const put = await fetch(grant.uploadUrl, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: ciphertext });
  if (!put.ok) throw new ServerRefusal("The file could not be uploaded. Try again.", null, put.status);
  await api("POST", `/api/attachments/${grant.attachmentId}/complete`);
  const dimensions = file.type.startsWith("image/") ? await imageSize(file) : {};
  return {
    attachmentId: grant.attachmentId,
    description: {
      type: "attachment", key: base64(key), sha256: await sha256(plaintext), size: plaintext.length,
      contentType: file.type || "application/octet-stream", name: file.name, ...dimensions,
    },
  };
}

/** Downloads with a fresh grant, decrypts, and checks the plaintext against the hash its sender gave. */
export async function downloadFile(attachmentId: string, description: FileDescription): Promise<Blob> {
  const grant = await api<DownloadGrant>("GET", `/api/attachments/${attachmentId}`);
  const response = await fetch(grant.downloadUrl);
  if (!response.ok) throw new ServerRefusal("The file could not be downloaded.", null, response.status);
  const plaintext = await decryptFile(fromBase64(description.key), new Uint8Array(await response.arrayBuffer()));
  if ((await sha256(plaintext)) !== description.sha256) throw new ServerRefusal("The file is not the one its sender sent.", null, null);
  return new Blob([plaintext], { type: description.contentType });
}

/** The description a member sent, if it is one: every field checked, since any member can send anything. */
export function parseDescription(text: string | null): FileDescription | null {
  try {
    const parsed = JSON.parse(text ?? "") as Partial<FileDescription>;
    const optionalNumber = (value: unknown) => value === undefined || (typeof value === "number" && Number.isFinite(value) && value > 0);
    const valid = parsed.type === "attachment" && typeof parsed.key === "string" && fromBase64(parsed.key).length === 32
      && typeof parsed.sha256 === "string" && /^[0-9a-f]{64}$/.test(parsed.sha256)
      && typeof parsed.size === "number" && Number.isSafeInteger(parsed.size) && parsed.size >= 0
      && typeof parsed.contentType === "string" && typeof parsed.name === "string" && parsed.name.length > 0
      && optionalNumber(parsed.width) && optionalNumber(parsed.height);
    return valid ? (parsed as FileDescription) : null;
  } catch {
    return null;
  }
}

async function imageSize(file: File): Promise<{ width?: number; height?: number }> {
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {};
  }
}
