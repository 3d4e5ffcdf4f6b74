/**
 * Log lines written to their destination once per turn of the event loop instead of once per
 * line. Under load a gateway writes an access-log line per request and a line per forwarded
 * delivery, and each `process.stdout.write` to a file or pipe was its own system call: ~50 µs
 * of CPU per line on the bench, several percent of the accept path. Lines keep their order; a
 * turn's lines go out in one write as soon as the turn ends (`schedule`), or at once when
 * `maxLines` are waiting, so memory stays bounded and a line is never more than a turn late.
 * What a process killed with SIGKILL loses is that one turn's lines; `flush()` writes them now
 * (the Node root calls it on exit and after the start-up line).
 */
export interface LineBatcher {
  /** Queues one line (without its newline). */
  write(line: string): void;
  /** Writes every queued line now. */
  flush(): void;
}

export function lineBatcher(o: {
  /** Receives one chunk of whole lines, each ending in a newline. */
  write: (chunk: string) => void;
  /** Runs `flush` once the current turn's work is done (setImmediate on Node). */
  schedule: (flush: () => void) => void;
  maxLines?: number;
}): LineBatcher {
  const maxLines = o.maxLines ?? 512;
  let queued: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queued.length === 0) return;
    const chunk = `${queued.join("\n")}\n`;
    // Cleared first: a destination that throws loses this chunk, not every chunk after it.
    queued = [];
    o.write(chunk);
  };
  return {
    write(line) {
      queued.push(line);
      if (queued.length >= maxLines) flush();
      else if (!scheduled) {
        scheduled = true;
        o.schedule(flush);
      }
    },
    flush,
  };
}
