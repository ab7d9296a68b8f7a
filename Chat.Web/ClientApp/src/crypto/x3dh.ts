import { type Bytes, concat, CryptoFailure } from "./bytes";
import { x3dhSecret } from "./kdf";
import { agree, type AgreementKeyPair, verifies } from "./p256";

/** A device's published keys with, if one was left, a one-time prekey taken for the fetcher. */
export interface PrekeyBundle {
  deviceId: string;
  identityKey: Bytes;
  signingKey: Bytes;
  signedPrekeyId: number;
  signedPrekey: Bytes;
  signedPrekeySignature: Bytes;
  oneTimePrekeyId: number | null;
  oneTimePrekey: Bytes | null;
}

/** The initiator's X3DH (docs/e2ee.md): refuses a bundle whose signed prekey's signature does not verify. */
export async function x3dhInitiate(identity: AgreementKeyPair, ephemeral: AgreementKeyPair, bundle: PrekeyBundle): Promise<Bytes> {
  if (!(await verifies(bundle.signingKey, bundle.signedPrekey, bundle.signedPrekeySignature))) {
    throw new CryptoFailure("Tampered", "The signed prekey's signature does not verify.");
  }
  return x3dhSecret(concat(
    await agree(identity, bundle.signedPrekey),
    await agree(ephemeral, bundle.identityKey),
    await agree(ephemeral, bundle.signedPrekey),
    bundle.oneTimePrekey ? await agree(ephemeral, bundle.oneTimePrekey) : new Uint8Array(0),
  ));
}

export async function x3dhRespond(identity: AgreementKeyPair, signedPrekey: AgreementKeyPair, oneTimePrekey: AgreementKeyPair | null,
  initiatorIdentity: Uint8Array, ephemeral: Uint8Array): Promise<Bytes> {
  return x3dhSecret(concat(
    await agree(signedPrekey, initiatorIdentity),
    await agree(identity, ephemeral),
    await agree(signedPrekey, ephemeral),
    oneTimePrekey ? await agree(oneTimePrekey, ephemeral) : new Uint8Array(0),
  ));
}
