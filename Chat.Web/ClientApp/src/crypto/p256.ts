import { type Bytes, concat, CryptoFailure, fromBase64Url } from "./bytes";

// P-256 keys through WebCrypto. A public key travels as its uncompressed point (65 bytes, WebCrypto's "raw"
// form); private keys stay CryptoKeys (IndexedDB stores them as they are, never as bytes).

export const publicKeyLength = 65;
export const signatureLength = 64;

const ecdh = { name: "ECDH", namedCurve: "P-256" } as const;
const ecdsa = { name: "ECDSA", namedCurve: "P-256" } as const;

export interface AgreementKeyPair {
  privateKey: CryptoKey;
  publicKey: Bytes;
}

export interface SigningKeyPair {
  privateKey: CryptoKey;
  publicKey: Bytes;
}

export async function generateAgreement(): Promise<AgreementKeyPair> {
  const pair = await crypto.subtle.generateKey(ecdh, false, ["deriveBits"]);
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)) };
}

export async function generateSigning(): Promise<SigningKeyPair> {
  const pair = await crypto.subtle.generateKey(ecdsa, false, ["sign"]);
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)) };
}

// PKCS #8 of a P-256 private key with no public key: WebCrypto computes it. Only for known scalars (test vectors).
const pkcs8Prefix = Uint8Array.from([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
  0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
]);

/** The pair of a known private scalar (32 bytes), as the test vectors give them. */
export async function agreementFromScalar(scalar: Uint8Array): Promise<AgreementKeyPair> {
  const imported = await crypto.subtle.importKey("pkcs8", concat(pkcs8Prefix, scalar), ecdh, true, ["deriveBits"]);
  const jwk = await crypto.subtle.exportKey("jwk", imported);
  return { privateKey: imported, publicKey: concat(Uint8Array.of(4), fromBase64Url(jwk.x!), fromBase64Url(jwk.y!)) };
}

/** The shared point's X coordinate (32 bytes). A key that is not a point on P-256 makes the input malformed. */
export async function agree(mine: AgreementKeyPair, theirPublicKey: Uint8Array): Promise<Bytes> {
  let theirs: CryptoKey;
  try {
    theirs = await crypto.subtle.importKey("raw", theirPublicKey as Bytes, ecdh, false, []);
  } catch {
    throw new CryptoFailure("Malformed", "Not a P-256 public key.");
  }
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: theirs }, mine.privateKey, 256));
}

export async function sign(pair: SigningKeyPair, data: Uint8Array): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data as Bytes));
}

/** False for a wrong signature and for a key that is not a point on P-256. */
export async function verifies(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("raw", publicKey as Bytes, ecdsa, false, ["verify"]);
    return await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature as Bytes, data as Bytes);
  } catch {
    return false;
  }
}
