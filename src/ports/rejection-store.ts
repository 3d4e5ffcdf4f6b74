import type { ErrorCode } from "../core/errors.js";
import type { Page } from "./page.js";

/** Which public route refused the request. */
export type RejectedRoute = "hook" | "callback";

/**
 * One request refused before acceptance. What it was and where from, never what it said: the
 * body is kept only as its size and SHA-256, headers only by name, and the path (which holds a
 * callback's token) not at all.
 */
export interface RejectionRecord {
  /** uuid7: ids sort with `at`, and break ties between rows of the same millisecond. */
  id: string;
  at: number;
  route: RejectedRoute;
  /** The source named in /hooks/:source (even an unknown one), null for callbacks. */
  source: string | null;
  code: ErrorCode;
  status: number;
  clientIp: string | null;
  userAgent: string | null;
  /** Lower-case header names, in the order received; never their values. */
  headerNames: string[];
  /** The body's size in bytes, or the announced Content-Length when the body was never read. */
  bodySize: number | null;
  /** Hex SHA-256 of the body, when it was read (null when it was refused unread). */
  bodySha256: string | null;
}

export interface RejectionFilter {
  source?: string;
  code?: string;
  /** Only rejections at or after this instant (epoch ms). */
  since?: number;
  /** From `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

/**
 * The rejected-request log's storage. Written in batches by services/rejection-log.ts, so a flood
 * of bad requests costs a few multi-row inserts, and kept bounded by `trimRejections` (newest N)
 * and `purgeRejectionsBefore` (retention).
 */
export interface RejectionStore {
  /** Inserts the rows in one atomic unit (multi-row statements). */
  insertRejections(rows: readonly RejectionRecord[]): Promise<void>;
  /** Newest first (by time, then id). The cursor is opaque. */
  listRejections(filter: RejectionFilter): Promise<Page<RejectionRecord>>;
  /** Deletes all but the newest `keep` rows; returns how many went. */
  trimRejections(keep: number): Promise<number>;
  /** Deletes up to `limit` rows older than `before` (oldest first); returns how many went. */
  purgeRejectionsBefore(before: number, limit?: number): Promise<number>;
  /** How many rows there are, or (with `before`) how many are older than that instant. */
  countRejections(before?: number): Promise<number>;
}
