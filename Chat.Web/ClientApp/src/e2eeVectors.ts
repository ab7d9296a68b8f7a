// The self-check page (e2ee-vectors.html): recomputes every test vector of docs/e2ee.md with this browser's
// WebCrypto, as Chat.Client's CryptoVectorTests does in .NET. The browser tests open it and require every check.
import document_ from "../../../docs/e2ee.md?raw";
import { deviceBinding } from "./crypto/binding";
import { type Bytes, fromHex, toHex, utf8 } from "./crypto/bytes";
import { parseGroupMessage } from "./crypto/groupMessage";
import { chainStep } from "./crypto/kdf";
import { agreementFromScalar, generateSigning } from "./crypto/p256";
import { initiateSession, respondSession, sessionDecrypt, sessionEncrypt } from "./crypto/pairwiseSession";
import { createSenderKey, distributionFor, receivedSenderKey, senderKeyDecrypt, senderKeyEncrypt } from "./crypto/senderKey";
import { encodeDistribution, parseDistribution } from "./crypto/senderKeyDistribution";
import { parseSessionMessage } from "./crypto/sessionMessage";
import { type PrekeyBundle, x3dhInitiate, x3dhRespond } from "./crypto/x3dh";

const vectors = JSON.parse(/## Test vectors.*?```json\n(.*?)\n```/s.exec(document_)![1]) as Record<string, string | number>;
const hex = (name: string) => fromHex(vectors[name] as string);
const id = (name: string) => vectors[name] as string;
const pair = (name: string) => agreementFromScalar(hex(name));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const sha256 = async (value: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(value))) as Bytes;

function expectEqual(actual: Uint8Array | string, expected: Uint8Array | string, what: string) {
  const [a, e] = [typeof actual === "string" ? actual : toHex(actual), typeof expected === "string" ? expected : toHex(expected)];
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

async function bobsBundle(): Promise<PrekeyBundle> {
  return {
    deviceId: id("bobDevice"), identityKey: (await pair("bobIdentityPrivate")).publicKey, signingKey: hex("bobSigningPublic"),
    signedPrekeyId: vectors.bobSignedPrekeyId as number, signedPrekey: (await pair("bobSignedPrekeyPrivate")).publicKey,
    signedPrekeySignature: hex("signedPrekeySignature"), oneTimePrekeyId: vectors.bobOneTimePrekeyId as number,
    oneTimePrekey: (await pair("bobOneTimePrekeyPrivate")).publicKey,
  };
}

const checks: [string, () => Promise<void>][] = [
  ["public keys", async () => {
    expectEqual((await pair("aliceIdentityPrivate")).publicKey, hex("aliceIdentityPublic"), "aliceIdentityPublic");
    expectEqual((await pair("bobIdentityPrivate")).publicKey, hex("bobIdentityPublic"), "bobIdentityPublic");
  }],
  ["X3DH secret, both sides", async () => {
    expectEqual(await x3dhInitiate(await pair("aliceIdentityPrivate"), await pair("aliceEphemeralPrivate"), await bobsBundle()), hex("x3dhSecret"), "initiator");
    expectEqual(await x3dhRespond(await pair("bobIdentityPrivate"), await pair("bobSignedPrekeyPrivate"), await pair("bobOneTimePrekeyPrivate"),
      hex("aliceIdentityPublic"), (await pair("aliceEphemeralPrivate")).publicKey), hex("x3dhSecret"), "responder");
  }],
  ["a bad signed prekey signature is refused", async () => {
    const bundle = await bobsBundle();
    bundle.signedPrekeySignature[10] ^= 1;
    const refused = await x3dhInitiate(await pair("aliceIdentityPrivate"), await pair("aliceEphemeralPrivate"), bundle).then(() => false, () => true);
    if (!refused) throw new Error("accepted a bundle whose signature does not verify");
  }],
  ["session messages m1 and m2, byte for byte", async () => {
    const [alice, bob] = [id("aliceDevice"), id("bobDevice")];
    const aliceSession = await initiateSession(await pair("aliceIdentityPrivate"), await pair("aliceEphemeralPrivate"), await bobsBundle(), await pair("aliceRatchetPrivate"));
    expectEqual(await sessionEncrypt(aliceSession, utf8("hello bob"), deviceBinding(alice, bob, "sk-1")), hex("m1"), "m1");
    const m1 = parseSessionMessage(hex("m1"));
    const bobSession = await respondSession(await pair("bobIdentityPrivate"), await pair("bobSignedPrekeyPrivate"), await pair("bobOneTimePrekeyPrivate"), m1.opening!);
    const first = await sessionDecrypt(bobSession, m1, deviceBinding(alice, bob, "sk-1"), () => pair("bobRatchetPrivate"));
    expectEqual(text(first.plaintext), "hello bob", "m1 decrypted");
    expectEqual(await sessionEncrypt(first.state, utf8("hello alice"), deviceBinding(bob, alice, "sk-2")), hex("m2"), "m2");
    const second = await sessionDecrypt(aliceSession, parseSessionMessage(hex("m2")), deviceBinding(bob, alice, "sk-2"));
    expectEqual(text(second.plaintext), "hello alice", "m2 decrypted");
  }],
  ["chain step", async () => {
    const [messageKey, next] = await chainStep(hex("chainKey"));
    expectEqual(messageKey, hex("messageKey"), "messageKey");
    expectEqual(next, hex("nextChainKey"), "nextChainKey");
  }],
  ["signed distribution and group message g", async () => {
    const distribution = { conversationId: id("conversation"), distributionId: id("distributionId"), iteration: 0, chainKey: hex("chainKey"),
      signingKey: hex("groupSigningPublic"), tagKey: null, tagIndex: 0 };
    expectEqual(encodeDistribution(distribution), hex("distribution"), "distribution");
    const sender = { ...createSenderKey(id("conversation"), id("aliceDevice")), distributionId: id("distributionId"), chainKey: hex("chainKey"),
      signing: await generateSigning() };
    const mine = await senderKeyEncrypt(sender, utf8("hello group"), "c1");
    expectEqual(mine.slice(0, -64), hex("g").slice(0, -64), "g without its signature");
    const receiver = receivedSenderKey(parseDistribution(hex("distribution")), id("aliceDevice"));
    expectEqual(text(await senderKeyDecrypt(receiver, parseGroupMessage(hex("g")), "c1")), "hello group", "g decrypted");
  }],
  ["tagged distribution and group message gTagged", async () => {
    const sender = { ...createSenderKey(id("conversation"), id("aliceDevice")), distributionId: id("taggedDistributionId"), chainKey: hex("taggedChainKey"),
      tagKeys: [{ deviceId: id("bobDevice"), key: await sha256("tag0") }, { deviceId: id("carolDevice"), key: await sha256("tag1") }] };
    expectEqual(encodeDistribution(distributionFor(sender, id("carolDevice"))), hex("distributionTagged"), "distributionTagged");
    expectEqual(await senderKeyEncrypt(sender, utf8("hello tagged"), "c2"), hex("gTagged"), "gTagged");
    const carol = receivedSenderKey(parseDistribution(hex("distributionTagged")), id("aliceDevice"));
    expectEqual(text(await senderKeyDecrypt(carol, parseGroupMessage(hex("gTagged")), "c2")), "hello tagged", "gTagged decrypted");
    const replayed = await senderKeyDecrypt(carol, parseGroupMessage(hex("gTagged")), "c2").then(() => false, () => true);
    if (!replayed) throw new Error("gTagged decrypted twice");
  }],
];

const list = document.getElementById("checks")!;
let failed = 0;
for (const [name, run] of checks) {
  const item = document.createElement("li");
  item.dataset.check = name;
  try {
    await run();
    item.dataset.result = "ok";
    item.textContent = `ok: ${name}`;
  } catch (error) {
    failed++;
    item.dataset.result = "failed";
    item.textContent = `FAILED: ${name}: ${error instanceof Error ? error.message : String(error)}`;
  }
  list.append(item);
}
document.getElementById("summary")!.textContent = failed === 0 ? `All ${checks.length} checks pass.` : `${failed} of ${checks.length} checks failed.`;
