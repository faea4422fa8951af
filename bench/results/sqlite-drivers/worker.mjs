// node worker.mjs DRIVER MODE PATH
//   crash: post for 400 ms with a forced GC every 10 ms, then exit without closing anything
//   durable: post batches forever, printing each committed batch's last id (the "ack")
//   speed: appends/s for batches of 1 and of 320
import { openDriver } from "./drivers.mjs";
const [driver, mode, path] = process.argv.slice(2);
const db = await openDriver(driver, path);
const post = (i, room = "r") => ({ room, author: "ada", text: `message ${i} `.repeat(4), clientMessageId: `c${i}` });
let i = 0;
if (mode === "crash") {
  const gc = setInterval(() => globalThis.gc(), 10);
  const end = Date.now() + 400;
  while (Date.now() < end) {
    db.batch(Array.from({ length: 16 }, () => post(i++)));
    db.ids("r"); // rows for the collector
    for (let k = 0; k < 20; k++) db.scratch(); // statements for the collector
    await new Promise((r) => setImmediate(r));
  }
  clearInterval(gc);
  process.exit(0);
} else if (mode === "durable") {
  for (;;) {
    const ids = db.batch(Array.from({ length: 8 }, () => post(i++)));
    process.stdout.write(`${ids.at(-1)}\n`);
    await new Promise((r) => setImmediate(r));
  }
} else if (mode === "verify") {
  console.log(JSON.stringify({ count: db.count(), ids: db.ids("r").map(String) }));
  db.close();
} else if (mode === "speed") {
  const result = {};
  for (const size of [1, 32, 320]) {
    const batches = size === 1 ? 400 : size === 32 ? 200 : 60;
    db.batch([post(i++, `warm${size}`)]);
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) db.batch(Array.from({ length: size }, () => post(i++, `s${size}`)));
    const ms = performance.now() - t0;
    result[`batch${size}`] = Math.round((batches * size) / (ms / 1000));
  }
  console.log(JSON.stringify(result));
  db.close();
}
