import { hash as oneShotHash } from "node:crypto";
import type { CompiledQuery } from "kysely";
import { type ChainHead, GENESIS_HASH } from "../../core/audit/entry.js";
import { AUDIT_LINK, type LinkableQuery } from "./audit-link.js";

/** The end of the chain, by the unique index on `seq`. */
export const CHAIN_HEAD_SQL = "select seq, hash from audit where seq is not null order by seq desc limit 1";

/**
 * SQLite's side of linking audit entries as they are written (audit-link.ts). SQLite runs one
 * write transaction at a time, across processes too, so the head read inside a transaction stays
 * the head until it commits: each linked statement takes the next position after it, hashed with
 * node:crypto, and moves it only if the statement wrote its row (a refused change writes none).
 * The head is read again in every transaction (another process may have written since, or this
 * one rolled back).
 */
export class SqliteAuditLinker {
  /** undefined: not read yet in this transaction. */
  private head: ChainHead | null | undefined;

  constructor(private readonly readHead: () => ChainHead | null) {}

  /** A transaction begins. */
  begin(): void {
    this.head = undefined;
  }

  /** Runs a write with its link filled in (if it has one); returns the rows it changed. */
  run(query: CompiledQuery, exec: (parameters: readonly unknown[]) => number): number {
    const link = (query as LinkableQuery)[AUDIT_LINK];
    if (!link) return exec(query.parameters);
    if (this.head === undefined) this.head = this.readHead();
    const seq = (this.head?.seq ?? 0) + 1;
    const prevHash = this.head?.hash ?? GENESIS_HASH;
    // One-shot (no Hash object); the same digest as hashing the two strings in turn.
    const hash = oneShotHash("sha256", prevHash + link.content, "hex");
    const parameters = query.parameters.slice();
    parameters[link.seqAt] = seq;
    parameters[link.prevHashAt] = prevHash;
    parameters[link.hashAt] = hash;
    const changes = exec(parameters);
    if (changes > 0) this.head = { seq, hash };
    return changes;
  }
}
