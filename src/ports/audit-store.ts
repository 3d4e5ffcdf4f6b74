import type { AuditDraft, AuditEntry, ChainHead, SealedAuditEntry } from "../core/audit/entry.js";
import type { Page } from "./page.js";

export type { AuditDraft, AuditEntry, ChainHead, SealedAuditEntry } from "../core/audit/entry.js";

export interface AuditFilter {
  /** A wait, delivery or approval id: its entries. */
  subject?: string;
  /**
   * Several wait, delivery or approval ids: the entries of any of them, each once (a wait's
   * timeline with its deliveries' attempts). Empty matches nothing; with `subject`, either.
   */
  subjects?: readonly string[];
  cursor?: string;
  limit: number;
}

/**
 * The audit log. Entries land unsealed with the change they record (the other store methods take
 * them as an `audit` argument); this port appends stand-alone ones, seals and reads.
 */
export interface AuditStore {
  /** Entries that record no state change of their own (a duplicate webhook), in one step. */
  append(drafts: readonly AuditDraft[]): Promise<void>;
  /** The sealed head and up to `limit` unsealed entries, oldest id first: a sealer's work. */
  sealWork(limit: number): Promise<{ head: ChainHead | null; unsealed: AuditDraft[] }>;
  /**
   * Writes linked entries computed after `head`, in one step. Each is written only while it is
   * unsealed and its predecessor is in place with the hash it was linked to, and a position is
   * taken once (unique): a sealer that lost a race writes nothing wrong. Returns how many it wrote.
   */
  writeSeals(sealed: readonly SealedAuditEntry[]): Promise<number>;
  /** Sealed entries after position `afterSeq`, in order, at most `limit` (verify, export). */
  readSealed(afterSeq: number, limit: number): Promise<SealedAuditEntry[]>;
  head(): Promise<ChainHead | null>;
  countUnsealed(): Promise<number>;
  /** A subject's entries (or all), newest first, sealed or not. */
  list(filter: AuditFilter): Promise<Page<AuditEntry>>;

  /**
   * Retention: deletes the sealed entries up to `through.seq` and links `checkpoint` (sealed
   * already, right after the head read before the step) into the chain, in one step. The
   * checkpoint lands only while that head is still the chain's end and `through` is still in
   * place; the entries go only if it landed. Returns how many entries were deleted (0: another
   * sealer or purger moved first, and nothing was written).
   */
  purgeThrough(through: ChainHead, checkpoint: SealedAuditEntry): Promise<number>;
  /**
   * How many entries a purge at `before` would delete (the dry run): the sealed entries before
   * the first one written at or after `before`, all batches together.
   */
  countPurgeable(before: number): Promise<number>;
  /** The newest sealed `audit.checkpoint` entry: where verification of a purged chain starts. */
  latestCheckpoint(): Promise<SealedAuditEntry | null>;
}

/** The ids a filter asks for (deduplicated), or undefined for every entry. */
export function auditSubjectIds(filter: Pick<AuditFilter, "subject" | "subjects">): string[] | undefined {
  if (!filter.subject && filter.subjects === undefined) return undefined;
  const ids = new Set(filter.subjects ?? []);
  if (filter.subject) ids.add(filter.subject);
  return [...ids];
}
