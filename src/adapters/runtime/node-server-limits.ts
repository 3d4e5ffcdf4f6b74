/** The part of Node's `http.Server` the limits set (typed here so portable builds need no Node types). */
export interface LimitableServer {
  headersTimeout: number;
  requestTimeout: number;
  maxConnections: number;
}

/** How long a client may take to send its request, and how many sockets it may hold. */
export interface ServerLimits {
  /** All headers within this (DESIGN §6: 10 s); Node answers 408 and closes otherwise. */
  headersTimeoutMs: number;
  /** The whole request, body included, within this (30 s): a trickled body cannot hold a socket. */
  requestTimeoutMs: number;
  /** Open sockets beyond this are closed at once; unset, Node's own (unbounded) default. */
  maxConnections?: number | undefined;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/**
 * Puts the limits on a Node HTTP server. Node's own defaults (60 s of headers, 300 s for a
 * request) let a slow client hold a socket for minutes.
 */
export function applyServerLimits(server: LimitableServer, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  if (limits.maxConnections !== undefined) server.maxConnections = limits.maxConnections;
}
