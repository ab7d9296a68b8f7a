// The official SignalR JavaScript client against two realtime nodes: Alice over JSON on one node, Bob over
// MessagePack on the other, exercising every method and event of docs/protocol.md and its error codes.
// Run by Chat.Tests (JavaScriptClientInteropTests) with one JSON argument; prints one line per check, exits 1 on
// the first that fails.
import * as signalR from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";

const input = JSON.parse(process.argv[2]);
const { nodeA, nodeB, alice, bob, conversation } = input;

function check(name, condition, detail) {
  if (!condition) {
    console.log(`FAIL ${name}: ${detail ?? ""}`);
    process.exit(1);
  }
  console.log(`ok ${name}`);
}

function connect(node, token, messagePack) {
  const builder = new signalR.HubConnectionBuilder()
    .withUrl(`${node}/hubs/chat`, {
      accessTokenFactory: () => token,
      transport: signalR.HttpTransportType.WebSockets,
      skipNegotiation: true,
    })
    .configureLogging(signalR.LogLevel.Warning);
  if (messagePack) builder.withHubProtocol(new MessagePackHubProtocol());
  const connection = builder.build();
  const events = { message: [], receipt: [], typing: [], presence: [] };
  // A handler that returns a value would answer a client-result call, which these events are not.
  for (const name of Object.keys(events)) connection.on(name, e => { events[name].push(e); });
  return { connection, events };
}

async function until(what, condition, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) check(what, false, "timed out");
    await new Promise(r => setTimeout(r, 20));
  }
  console.log(`ok ${what}`);
}

async function refusal(call) {
  try {
    await call();
    return "(no error)";
  } catch (e) {
    return e.message;
  }
}

// A member's name on the wire: camelCase in JSON, PascalCase in MessagePack maps (docs/protocol.md).
const field = (e, name, messagePack) => e[messagePack ? name[0].toUpperCase() + name.slice(1) : name];

const a = connect(nodeA, alice.token, false);
const b = connect(nodeB, bob.token, true);
await a.connection.start();
await a.connection.invoke("Sync", { cursors: [], limit: 1 });
await b.connection.start();
await b.connection.invoke("Sync", { Cursors: [], Limit: 1 });

await until("presence: Alice (JSON) sees Bob (MessagePack) come online", () => a.events.presence.some(p => p.userId === bob.id && p.online));

const ackA = await a.connection.invoke("SendMessage", { conversationId: conversation, clientMessageId: "js-a-1", content: "hello from JSON" });
check("SendMessage over JSON is acknowledged with seq 1", ackA.seq === 1, JSON.stringify(ackA));
check("a JSON acknowledgement's sentAt is an ISO 8601 string", typeof ackA.sentAt === "string" && !isNaN(Date.parse(ackA.sentAt)), JSON.stringify(ackA));
await until("Bob (MessagePack) receives Alice's message", () => b.events.message.length >= 1);
const atBob = b.events.message[0];
check("the MessagePack event carries the text", field(atBob, "content", true) === "hello from JSON" && field(atBob, "kind", true) === "text", JSON.stringify(atBob));
check("a MessagePack event's sentAt decodes as a Date (timestamp extension)", field(atBob, "sentAt", true) instanceof Date,
  `${typeof field(atBob, "sentAt", true)}: ${JSON.stringify(field(atBob, "sentAt", true))}`);
check("the Date is the acknowledged time", field(atBob, "sentAt", true).getTime() === Date.parse(ackA.sentAt), `${field(atBob, "sentAt", true).toISOString()} vs ${ackA.sentAt}`);

const ackB = await b.connection.invoke("SendMessage", { ConversationId: conversation, ClientMessageId: "js-b-1", Content: "hello from MessagePack" });
check("SendMessage over MessagePack is acknowledged with seq 2", field(ackB, "seq", true) === 2, JSON.stringify(ackB));
await until("Alice (JSON) receives Bob's message", () => a.events.message.some(m => m.seq === 2));
check("the JSON event carries the text", a.events.message.find(m => m.seq === 2).content === "hello from MessagePack");

await a.connection.invoke("EditMessage", { conversationId: conversation, messageId: ackA.messageId, content: "edited" });
await a.connection.invoke("DeleteMessage", { conversationId: conversation, messageId: ackA.messageId });
await until("Bob receives the edit and the delete", () => b.events.message.length >= 3);
check("edit then delete, in seq order", b.events.message.slice(1, 3).map(m => field(m, "kind", true)).join(",") === "edit,delete",
  JSON.stringify(b.events.message.map(m => field(m, "kind", true))));

const read = await b.connection.invoke("MarkRead", { ConversationId: conversation, Seq: 4 });
check("MarkRead answers the new position", read === 4, String(read));
await until("Alice receives Bob's read receipt", () => a.events.receipt.some(r => r.userId === bob.id && r.kind === "read" && r.seq === 4));

await a.connection.invoke("Typing", { conversationId: conversation });
await until("Bob receives Alice's typing", () => b.events.typing.some(t => field(t, "userId", true) === alice.id));

const sync = await b.connection.invoke("Sync", { Cursors: [{ ConversationId: conversation, AfterSeq: 0 }], Limit: 100 });
const synced = field(sync, "messages", true).filter(m => field(m, "conversationId", true) === conversation);
check("Sync over MessagePack returns the four events in order", synced.map(m => field(m, "seq", true)).join(",") === "1,2,3,4", JSON.stringify(synced.map(m => field(m, "seq", true))));
check("the deleted message's content is erased", field(synced[0], "content", true) === null || field(synced[0], "content", true) === undefined);
check("Sync's positions include Alice's", field(sync, "positions", true).some(p => field(p, "userId", true) === alice.id));

const jsonBadId = await refusal(() => a.connection.invoke("SendMessage", { conversationId: "not-a-guid", clientMessageId: "x", content: "x" }));
check("JSON: a malformed id is invalid_argument naming conversationId", jsonBadId.startsWith("invalid_argument: conversationId"), jsonBadId);
const jsonNull = await refusal(() => a.connection.invoke("SendMessage", null));
check("JSON: a null argument is invalid_argument", jsonNull.startsWith("invalid_argument:"), jsonNull);
const packNumber = await refusal(() => b.connection.invoke("SendMessage", { ConversationId: 42, ClientMessageId: "x", Content: "x" }));
check("MessagePack: a number for an id is invalid_argument naming ConversationId", packNumber.startsWith("invalid_argument: ConversationId"), packNumber);
const packString = await refusal(() => b.connection.invoke("SendMessage", "not an object"));
check("MessagePack: a string for the argument is invalid_argument", packString.startsWith("invalid_argument:"), packString);
const unknown = await refusal(() => b.connection.invoke("SendMessage", { ConversationId: "00000000-0000-0000-0000-000000000001", ClientMessageId: "x", Content: "x" }));
check("an unknown conversation is conversation_not_found", unknown.startsWith("conversation_not_found:"), unknown);
const large = await refusal(() => a.connection.invoke("SendMessage", { conversationId: conversation, clientMessageId: "big", content: "x".repeat(70 * 1024) }));
check("oversize content is content_too_large", large.startsWith("content_too_large:"), large);
const empty = await refusal(() => a.connection.invoke("SendMessage", { conversationId: conversation, clientMessageId: "", content: "x" }));
check("a missing clientMessageId is invalid_argument", empty.startsWith("invalid_argument:"), empty);

const after = await a.connection.invoke("SendMessage", { conversationId: conversation, clientMessageId: "js-a-2", content: "still here" });
check("both connections stayed open and nothing refused was stored", after.seq === 5, JSON.stringify(after));

await b.connection.stop();
await until("presence: Alice sees Bob go offline with lastSeenAt", () => a.events.presence.some(p => p.userId === bob.id && !p.online && p.lastSeenAt));
await a.connection.stop();
console.log("done");
