import type { Clock } from "../ports/clock.js";

export interface Session {
  id: number;
  type: "CLIENT_CREDENTIALS" | "TOKEN_EXCHANGE";
  status: "READY";
  nonce: string;
  clientId?: string;
  createdTime: number;
  expirationTime: number;
}

/** How long a session nonce may wait before a run uses it (inferred; CDF does not document it). */
const NONCE_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Sessions exist here only to hand out nonces: running a workflow needs one, and (as in CDF) a
 * nonce is exchanged once, so it cannot start a second execution.
 */
export class SessionStore {
  private readonly nonces = new Map<string, Session>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  create(item: { clientId?: string | undefined; tokenExchange?: boolean | undefined }): Session {
    const now = this.clock.now();
    const session: Session = {
      id: 5_000_000_000 + ++this.seq,
      type: item.clientId !== undefined ? "CLIENT_CREDENTIALS" : "TOKEN_EXCHANGE",
      status: "READY",
      nonce: randomNonce(),
      createdTime: now,
      expirationTime: now + NONCE_LIFETIME_MS,
    };
    if (item.clientId !== undefined) session.clientId = item.clientId;
    this.nonces.set(session.nonce, session);
    return { ...session };
  }

  /** Uses up a nonce; false when it is unknown, already used or expired. */
  consume(nonce: string): boolean {
    const session = this.nonces.get(nonce);
    if (!session) return false;
    this.nonces.delete(nonce);
    return session.expirationTime > this.clock.now();
  }

  reset(): void {
    this.nonces.clear();
  }
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
