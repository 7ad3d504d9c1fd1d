// A Socket.IO client on the official socket.io-client, driven by tests/realtime as a subprocess.
//
//   node client.mjs URL [--token TOKEN] [--transport websocket|polling] [--timeout SECONDS] [--join-group ID]
//
// Prints one JSON object a line on stdout: {"event": "connect", "id"}, {"event": "connect_error", "message",
// "data"}, {"event": "disconnect", "reason"}, {"event": "<server event>", "args": [...]}, and {"event": "exit",
// "reason"} last; with --join-group, the ack of `join-group` as {"event": "join-group-ack", "ack"}. Exits 0 on SIGTERM/SIGINT or after the timeout, 1 when the connection fails or is refused.
import { io } from "socket.io-client";

function parse(argv) {
  const options = { url: argv[0], token: null, transport: null, timeout: 30, joinGroup: null };
  for (let i = 1; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === "--token") options.token = value;
    else if (name === "--transport") options.transport = value;
    else if (name === "--timeout") options.timeout = Number(value);
    else if (name === "--join-group") options.joinGroup = value;
    else throw new Error(`unknown option ${name}`);
  }
  if (!options.url) throw new Error("usage: node client.mjs URL [--token T] [--transport T] [--timeout S]");
  return options;
}

function print(record) {
  process.stdout.write(JSON.stringify(record) + "\n");
}

const options = parse(process.argv.slice(2));
const socket = io(options.url, {
  auth: options.token === null ? {} : { token: options.token },
  transports: options.transport ? [options.transport] : undefined,
  reconnection: false,
});

const timer = setTimeout(() => exit("timeout", 0), options.timeout * 1000);

function exit(reason, code) {
  print({ event: "exit", reason });
  clearTimeout(timer);
  const transport = socket.io.engine?.transport;
  socket.disconnect();
  process.exitCode = code;
  const done = () => process.stdout.write("", () => process.exit(code));
  // Over long-polling the close packet goes out in a POST: leave once it is through ("drain"), not before, or
  // the server never hears of it. The pending long-poll GET would keep Node alive, so exit explicitly.
  if (transport?.name === "polling" && transport.writable === false) transport.once("drain", done);
  else done();
  setTimeout(done, 5000).unref();
}

socket.on("connect", () => {
  print({ event: "connect", id: socket.id, transport: socket.io.engine.transport.name });
  if (options.joinGroup !== null) socket.emit("join-group", options.joinGroup, (ack) => print({ event: "join-group-ack", ack }));
});
socket.on("connect_error", (error) => {
  print({ event: "connect_error", message: error.message, data: error.data ?? null });
  // With reconnection off nothing follows either a refusal (socket.active false) or a transport error.
  exit(socket.active ? "unreachable" : "refused", 1);
});
socket.on("disconnect", (reason) => print({ event: "disconnect", reason }));
socket.onAny((event, ...args) => print({ event, args }));

process.on("SIGTERM", () => exit("SIGTERM", 0));
process.on("SIGINT", () => exit("SIGINT", 0));
