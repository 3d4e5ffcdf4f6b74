import { uuid7 } from "../../src/adapters/runtime/uuid7-ids.js";
import { openSqliteStore } from "../../src/adapters/sql/sqlite.js";
import { auditDraft } from "../../src/core/audit/entry.js";

/**
 * A second process writing audit entries to the same SQLite file as the test, for the one-chain
 * case of sqlite-audit-link.test.ts: `node --import tsx test/support/audit-writer.ts FILE COUNT TAG`.
 * Writes COUNT entries in steps of one to three, several steps per commit, then prints "done".
 */
const [path, count, tag] = process.argv.slice(2);
const store = await openSqliteStore({ path: path! });
let written = 0;
while (written < Number(count)) {
  const steps = [];
  for (let i = 0; i < 4 && written < Number(count); i++) {
    const n = Math.min(1 + (written % 3), Number(count) - written);
    written += n;
    steps.push(
      store.audit.append(
        Array.from({ length: n }, () =>
          auditDraft({
            id: uuid7(Date.now(), crypto.getRandomValues(new Uint8Array(10))),
            kind: "operator.action",
            at: Date.now(),
            actor: `writer:${tag}`,
          }),
        ),
      ),
    );
  }
  await Promise.all(steps);
}
await store.close();
process.stdout.write("done\n");
