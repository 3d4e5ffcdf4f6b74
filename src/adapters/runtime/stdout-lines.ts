import { type LineBatcher, lineBatcher } from "./line-batcher.js";

let shared: LineBatcher | undefined;

/**
 * The process's one batcher for log lines on stdout (line-batcher.ts), flushed when the process
 * exits (`process.exit`, the end of the event loop, an uncaught exception): one for every
 * gateway in the process, so tests that start many add one exit listener, not one each.
 */
export function stdoutLines(): LineBatcher {
  if (!shared) {
    const batcher = lineBatcher({
      write: (chunk) => process.stdout.write(chunk),
      schedule: (flush) => setImmediate(flush),
    });
    process.once("exit", () => batcher.flush());
    shared = batcher;
  }
  return shared;
}
