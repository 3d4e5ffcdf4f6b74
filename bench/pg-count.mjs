// Preloaded into the gateway process by the PostgreSQL scenario (`node --import`): counts every
// query the pg driver sends, which is one network round trip each (pg does not pipeline). The
// bench asks for the count over the IPC channel. Plain JavaScript, so the gateway still runs from
// the built code only.
import { createRequire } from "node:module";

const pg = createRequire(import.meta.url)("pg");
let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  queries++;
  return query.apply(this, args);
};

if (process.send) {
  process.on("message", (msg) => {
    if (msg?.type === "pg-count") process.send({ id: msg.id, queries });
  });
  // The channel must not keep the gateway alive once it wants to stop.
  process.channel?.unref();
}
