// The seed design's stack: socket.io with @socket.io/redis-adapter, forwarding only (no storage, no acknowledgement).
// Usage: PORT=5591 REDIS_URL=redis://:password@127.0.0.1:6379 node server.js
const { createServer } = require("http");
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");

async function main() {
  const pub = createClient({ url: process.env.REDIS_URL });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);

  const http = createServer((req, res) => { res.writeHead(req.url === "/health" ? 200 : 404); res.end(); });
  const io = new Server(http, { transports: ["websocket"], adapter: createAdapter(pub, sub, { key: "bench-socketio" }) });
  io.on("connection", (socket) => {
    socket.join("u:" + socket.handshake.auth.user);
    socket.on("direct", (to, payload) => io.to("u:" + to).emit("message", payload));
    socket.on("join", (group, ack) => { socket.join("g:" + group); if (typeof ack === "function") ack(); });
    socket.on("group", (group, payload) => io.to("g:" + group).emit("message", payload));
  });
  http.listen(Number(process.env.PORT), "127.0.0.1");
}

main().catch((e) => { console.error(e); process.exit(1); });
