import type { CompiledQuery } from "kysely";
import { entryContent } from "../../core/audit/chain.js";
import type { AuditDraft } from "../../core/audit/entry.js";
import { slotIndex } from "./prepared.js";

/**
 * An audit statement whose position and hashes the store fills as the statement runs, from the
 * chain's head at that moment: how a store with one writer at a time (SQLite) links every entry
 * into the chain in the transaction that writes it, with no sealer and no second write.
 */
export const AUDIT_LINK = Symbol("audit entry linked as it is written");

export interface AuditLink {
  /** What the entry's hash covers (`entryContent`): hash = SHA-256(previous hash ‖ content). */
  content: string;
  /** Where the statement's parameters take the entry's position, previous hash and hash. */
  seqAt: number;
  prevHashAt: number;
  hashAt: number;
}

export type LinkableQuery = CompiledQuery & { readonly [AUDIT_LINK]?: AuditLink };

/** The parameter names of a template's slots for the entry's position and hashes. */
export interface LinkSlots {
  seq: string;
  prevHash: string;
  hash: string;
}

const positions = new WeakMap<CompiledQuery, Omit<AuditLink, "content">>();

/**
 * `query` (filled from `template`) marked to be linked as it runs. The slots' positions are found
 * once per template: the hot path only attaches the entry's content.
 */
export function linkedAs(
  template: CompiledQuery,
  query: CompiledQuery,
  entry: AuditDraft,
  slots: LinkSlots,
): LinkableQuery {
  let at = positions.get(template);
  if (!at) {
    at = {
      seqAt: slotIndex(template, slots.seq),
      prevHashAt: slotIndex(template, slots.prevHash),
      hashAt: slotIndex(template, slots.hash),
    };
    if (at.seqAt < 0 || at.prevHashAt < 0 || at.hashAt < 0) {
      throw new Error(`audit link: the statement has no slot for its position or hashes: ${template.sql}`);
    }
    positions.set(template, at);
  }
  return { ...query, [AUDIT_LINK]: { content: entryContent(entry), ...at } };
}
