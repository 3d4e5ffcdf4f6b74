/** Identifiers and randomness come in through this port, for deterministic tests. */
export interface Ids {
  /** A new unique id that sorts by creation time (UUIDv7). */
  newId(): string;
  /** A uniform number in [0, 1), for backoff jitter. */
  random(): number;
}
