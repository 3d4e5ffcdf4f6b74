import { stdoutLines } from "../../src/adapters/runtime/stdout-lines.js";

/** Queues two log lines, then leaves the way argv[2] says, in the same turn (stdout-lines.test.ts). */
stdoutLines().write('{"n":1}');
stdoutLines().write('{"n":2}');
const how = process.argv[2];
if (how === "exit") process.exit(3);
if (how === "throw") throw new Error("boom");
