import { type Bytes, toBase64Url } from "../crypto/bytes";
import { type AgreementKeyPair, generateAgreement, generateSigning, sign, type SigningKeyPair } from "../crypto/p256";
import type { KeyStore } from "./keyStore";

/** A device's long-term private keys: they never leave its key store. */
export interface DeviceIdentity {
  identityKey: AgreementKeyPair;
  signingKey: SigningKeyPair;
  signedPrekeyId: number;
  signedPrekey: AgreementKeyPair;
  signedPrekeySignature: Bytes;
  nextPrekeyId: number;
}

export interface PublicPrekey {
  keyId: number;
  publicKey: string;
}

const identityName = "identity";
const prekeyName = (id: number) => `prekey-${id}`;

export async function loadOrCreateIdentity(store: KeyStore): Promise<DeviceIdentity> {
  const existing = await store.get<DeviceIdentity>(identityName);
  if (existing) return existing;
  const signingKey = await generateSigning();
  const signedPrekey = await generateAgreement();
  const identity: DeviceIdentity = {
    identityKey: await generateAgreement(), signingKey, signedPrekeyId: 1, signedPrekey,
    signedPrekeySignature: await sign(signingKey, signedPrekey.publicKey), nextPrekeyId: 1,
  };
  await store.put(identityName, identity);
  return identity;
}

/** New one-time prekeys: the private halves are stored before the public ones are returned for publishing. */
export async function newPrekeys(store: KeyStore, count: number): Promise<PublicPrekey[]> {
  const identity = await loadOrCreateIdentity(store);
  const prekeys: PublicPrekey[] = [];
  for (let i = 0; i < count; i++) {
    const pair = await generateAgreement();
    await store.put(prekeyName(identity.nextPrekeyId + i), pair);
    prekeys.push({ keyId: identity.nextPrekeyId + i, publicKey: toBase64Url(pair.publicKey) });
  }
  await store.put(identityName, { ...identity, nextPrekeyId: identity.nextPrekeyId + count });
  return prekeys;
}

export const prekey = (store: KeyStore, id: number) => store.get<AgreementKeyPair>(prekeyName(id));

/** A one-time prekey is used once: deleted as soon as the session it opened is stored. */
export const deletePrekey = (store: KeyStore, id: number) => store.delete(prekeyName(id));

export function publishRequest(identity: DeviceIdentity, oneTimePrekeys: PublicPrekey[]) {
  return {
    identityKey: toBase64Url(identity.identityKey.publicKey),
    signingKey: toBase64Url(identity.signingKey.publicKey),
    signedPrekey: {
      keyId: identity.signedPrekeyId,
      publicKey: toBase64Url(identity.signedPrekey.publicKey),
      signature: toBase64Url(identity.signedPrekeySignature),
    },
    oneTimePrekeys,
  };
}
