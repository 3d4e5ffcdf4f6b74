/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { AuditEntry } from "../../ports/audit-store.js";
import { isoTime } from "../pages/format-time.js";
import { describeAuditEntry, utcSeconds } from "./audit-words.js";
import { Badge, Empty, IdLink } from "./components.js";

/** Entries a detail page shows at most: the latest ones, read in one page of the audit log. */
export const HISTORY_LIMIT = 100;

/** The audit entries of a wait, delivery or approval page, oldest first, as the route read them. */
export interface History {
  entries: readonly AuditEntry[];
  /** Older entries were left out (more than HISTORY_LIMIT). */
  more: boolean;
}

/** Turns a newest-first page of the audit log into a page's history (oldest first). */
export function historyOf(page: { items: readonly AuditEntry[]; nextCursor: string | null }): History {
  return { entries: [...page.items].reverse(), more: page.nextCursor !== null };
}

/** Where an entry's other subjects (not the page's own) are linked to. */
const SUBJECTS = [
  ["waitId", "wait", "/console/waits/"],
  ["deliveryId", "delivery", "/console/deliveries/"],
  ["approvalId", "approval", "/console/approvals/"],
] as const;

/**
 * A page's audit timeline: each step in plain words with its time (UTC), who did it, the facts
 * worth keeping (CDF status and request id of an attempt, approver, address and comment of a
 * decision, ...), the other wait or delivery it concerns, and whether it is sealed into the hash
 * chain yet (its position) or waiting for the sealer.
 */
export const AuditTimeline: FC<{ history: History; subject: string }> = ({ history, subject }) => (
  <section class="panel history" aria-labelledby="history-heading">
    <h2 id="history-heading">History</h2>
    {history.entries.length === 0 ? (
      <div class="panel-body">
        <Empty title="No audit entries">
          <p>
            Every step taken for it (received, each attempt, decisions, operator actions) is listed here,
            until <code>retention.audit</code> purges it.
          </p>
        </Empty>
      </div>
    ) : (
      <>
        {history.more ? (
          <p class="hint panel-body">
            The latest {history.entries.length} entries; for all of them: <code>taskgate audit export</code>{" "}
            or <code>GET /v1/audit?subject={subject}</code>.
          </p>
        ) : null}
        <ol class="timeline">
          {history.entries.map((e) => {
            const line = describeAuditEntry(e);
            return (
              <li>
                <div class="tl-head">
                  <time class="nowrap mono" datetime={isoTime(e.at)}>
                    {utcSeconds(e.at)}
                  </time>
                  {line.status ? <Badge status={line.status} /> : null}
                  <strong>{line.title}</strong>
                </div>
                <div class="tl-meta">
                  <span>
                    by <span class="mono">{e.actor}</span>
                  </span>
                  {SUBJECTS.map(([key, word, href]) => {
                    const id = e[key];
                    return id && id !== subject ? (
                      <span>
                        {word} <IdLink id={id} href={`${href}${id}`} />
                      </span>
                    ) : null;
                  })}
                  {e.seq !== null ? (
                    <span class="nowrap" title={e.hash ? `SHA-256 ${e.hash}` : undefined}>
                      sealed #{e.seq}
                    </span>
                  ) : (
                    <span class="nowrap muted">not sealed yet</span>
                  )}
                </div>
                {line.facts.length ? (
                  <dl class="tl-facts">
                    {line.facts.map(([label, value]) => (
                      <>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                      </>
                    ))}
                  </dl>
                ) : null}
              </li>
            );
          })}
        </ol>
      </>
    )}
  </section>
);
