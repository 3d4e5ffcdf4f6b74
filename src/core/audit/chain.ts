import { canonicalJson, sha256Hex } from "../canonical-json.js";
import { type AuditDraft, type ChainHead, GENESIS_HASH, type SealedAuditEntry } from "./entry.js";

/**
 * What the hash covers: every recorded fact of the entry, but not its position (`seq`), so a
 * verifier can tell an entry that was moved from one that was edited. The canonical JSON of
 * `{id, kind, at, actor, waitId, deliveryId, approvalId, data}`, written with its fixed keys
 * already in sorted order (every accept hashes one; sorting the top level each time was most of
 * the cost). A draft with a field missing takes the general path, which leaves it out.
 */
export function entryContent(e: AuditDraft): string {
  if (
    e.actor === undefined ||
    e.approvalId === undefined ||
    e.at === undefined ||
    e.data === undefined ||
    e.deliveryId === undefined ||
    e.id === undefined ||
    e.kind === undefined ||
    e.waitId === undefined
  ) {
    return canonicalJson({
      id: e.id,
      kind: e.kind,
      at: e.at,
      actor: e.actor,
      waitId: e.waitId,
      deliveryId: e.deliveryId,
      approvalId: e.approvalId,
      data: e.data,
    });
  }
  const json = JSON.stringify;
  return (
    `{"actor":${json(e.actor)},"approvalId":${json(e.approvalId)},"at":${json(e.at)},` +
    `"data":${canonicalJson(e.data)},"deliveryId":${json(e.deliveryId)},"id":${json(e.id)},` +
    `"kind":${json(e.kind)},"waitId":${json(e.waitId)}}`
  );
}

/** `SHA-256(previous hash ‖ canonical JSON of the entry)`, hex. */
export function entryHash(prevHash: string, e: AuditDraft, sha256: Sha256 = sha256Hex): Promise<string> {
  return sha256(prevHash + entryContent(e));
}

/** Hex SHA-256 of a string: Web Crypto by default, a runtime's faster hash when handed one. */
export type Sha256 = (data: string) => Promise<string>;

/**
 * Links unsealed drafts (in the order given) after `head` (none: the chain starts at genesis).
 * Deterministic: two sealers given the same head and drafts compute the same entries.
 */
export async function linkEntries(
  head: ChainHead | null,
  drafts: readonly AuditDraft[],
  sha256: Sha256 = sha256Hex,
): Promise<SealedAuditEntry[]> {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const out: SealedAuditEntry[] = [];
  for (const d of drafts) {
    const hash = await entryHash(prevHash, d, sha256);
    seq += 1;
    out.push({ ...d, seq, prevHash, hash });
    prevHash = hash;
  }
  return out;
}
