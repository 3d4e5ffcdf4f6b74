import { entryHash } from "./chain.js";
import { type ChainHead, GENESIS_HASH, type SealedAuditEntry } from "./entry.js";

/** What was done to the chain, as far as the links tell. */
export type Tampering = "edited" | "deleted" | "inserted" | "reordered" | "cut";

export type ChainVerdict =
  | { ok: true; count: number; head: ChainHead | null }
  | {
      ok: false;
      count: number;
      problem: Tampering;
      /** The entry named (for `deleted`: the first entry after the gap; `cut`: the last entry). */
      seq: number | null;
      entryId: string | null;
      message: string;
    };

export interface VerifyOptions {
  /** A head kept elsewhere (`audit head`): if no entry has this hash, the tail was cut. */
  head?: string;
  /** Where the chain starts when older entries were purged behind a checkpoint (default genesis). */
  from?: ChainHead;
  /** A faster SHA-256 (hex) than Web Crypto's, where the runtime has one. */
  sha256?: (data: string) => Promise<string>;
}

/** How far around a broken link the verifier looks to tell an insertion from a swap. */
const WINDOW = 1024;

/**
 * Recomputes the chain over sealed entries in `seq` order (streamed: memory stays bounded at any
 * length) and names the first entry that was edited, deleted, inserted or reordered; with
 * `head`, also a cut tail. Entries are only trusted through their links: `seq` is a position.
 */
export async function verifyChain(
  entries: Iterable<SealedAuditEntry> | AsyncIterable<SealedAuditEntry>,
  options: VerifyOptions = {},
): Promise<ChainVerdict> {
  const it = toAsyncIterator(entries);
  const ahead: SealedAuditEntry[] = [];
  const next = async (): Promise<SealedAuditEntry | undefined> => {
    if (ahead.length > 0) return ahead.shift();
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
  const lookAhead = async (): Promise<SealedAuditEntry[]> => {
    while (ahead.length < WINDOW) {
      const r = await it.next();
      if (r.done) break;
      ahead.push(r.value);
    }
    return ahead;
  };

  let prev: ChainHead = options.from ?? { seq: 0, hash: GENESIS_HASH };
  let prevEntry: SealedAuditEntry | null = null;
  /** Hashes of the last WINDOW entries before `prev`, to spot an entry that links past `prev`. */
  const recent = new Set<string>();
  const recentOrder: string[] = [];
  let count = 0;
  let headSeen = options.head === undefined;

  const broken = (problem: Tampering, e: SealedAuditEntry | null, message: string): ChainVerdict => ({
    ok: false,
    count,
    problem,
    seq: e?.seq ?? null,
    entryId: e?.id ?? null,
    message,
  });

  for (let e = await next(); e !== undefined; e = await next()) {
    count++;
    const recomputed = await entryHash(e.prevHash, e, options.sha256);
    if (e.prevHash === prev.hash) {
      if (recomputed !== e.hash) {
        const [after] = await lookAhead();
        if (after?.prevHash === prev.hash) {
          return broken(
            "inserted",
            e,
            `entry ${e.seq} (${e.id}) was inserted: the entry after it links past it`,
          );
        }
        return broken(
          "edited",
          e,
          `entry ${e.seq} (${e.id}) was edited: its hash does not match its content`,
        );
      }
    } else {
      const later = await lookAhead();
      if (later.some((l) => l.hash === e!.prevHash)) {
        return broken(
          "reordered",
          e,
          `entry ${e.seq} (${e.id}) is out of order: it links to an entry placed after it`,
        );
      }
      if (later[0]?.prevHash === prev.hash) {
        return broken(
          "inserted",
          e,
          `entry ${e.seq} (${e.id}) was inserted: the entry after it links past it`,
        );
      }
      if (prevEntry && recent.has(e.prevHash)) {
        return broken(
          "inserted",
          prevEntry,
          `entry ${prevEntry.seq} (${prevEntry.id}) was inserted: the entry after it links past it`,
        );
      }
      if (recomputed !== e.hash) {
        return broken(
          "edited",
          e,
          `entry ${e.seq} (${e.id}) was edited: it does not link to the entry before it`,
        );
      }
      if (e.seq > prev.seq + 1) {
        return broken(
          "deleted",
          e,
          `entries ${prev.seq + 1}..${e.seq - 1} before entry ${e.seq} (${e.id}) were deleted: it links to an entry that is gone`,
        );
      }
      if (prevEntry === null) {
        const message = options.from
          ? `entry ${e.seq} (${e.id}) or the checkpoint was edited: it does not link to the checkpoint's entry ${prev.seq}`
          : `entry ${e.seq} (${e.id}) was edited: it does not link to the start of the chain`;
        return broken("edited", e, message);
      }
      return broken(
        "edited",
        prevEntry,
        `entry ${prevEntry.seq} (${prevEntry.id}) was edited (its hash rewritten) or an entry after it deleted: entry ${e.seq} links to a hash no entry has`,
      );
    }
    if (!headSeen && e.hash === options.head) headSeen = true;
    recent.add(prev.hash);
    recentOrder.push(prev.hash);
    if (recentOrder.length > WINDOW) recent.delete(recentOrder.shift()!);
    prev = { seq: e.seq, hash: e.hash };
    prevEntry = e;
  }
  if (!headSeen) {
    return broken(
      "cut",
      prevEntry,
      `the tail was cut: no entry has the head ${options.head}; the chain now ends at entry ${prev.seq}`,
    );
  }
  return { ok: true, count, head: prevEntry ? prev : (options.from ?? null) };
}

function toAsyncIterator<T>(source: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const sync = source[Symbol.iterator]();
  return { next: async () => sync.next() };
}
