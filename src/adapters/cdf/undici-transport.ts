import { STATUS_CODES } from "node:http";
import { createRequire } from "node:module";
import type { Agent as AgentClass, Dispatcher } from "undici";
import type { HttpTransport } from "./http-transport.js";

// undici's pooled agent and its `request`, without the rest of the package: its index also loads
// fetch, WebSocket, EventSource, the cache and the mock agent, ~3.2 MB of heap a gateway never
// uses (1.66 MB against 4.85 MB, measured after a full GC). The paths are undici's own modules
// (the package has no exports map); cdf-client.test.ts runs every CDF call through this transport.
const require = createRequire(import.meta.url);
const Agent = require("undici/lib/dispatcher/agent.js") as typeof AgentClass;
const undiciRequest = require("undici/lib/api/api-request.js") as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

export interface UndiciTransportOptions {
  /** Keep-alive connections per origin: at least the forwarder's concurrency. */
  connections: number;
  /** Tests: where to connect instead of the URL's host (the URL still names the host). */
  connect?: AgentClass.Options["connect"];
}

/**
 * The CDF transport on Node: undici's pooled client directly, without the WHATWG `fetch` layer
 * on top (Request/Response/Headers objects and web streams per call cost several times the CPU
 * of the call itself). Same answers as `fetchTransport`; `close()` ends the kept-alive sockets.
 */
export function undiciTransport(options: UndiciTransportOptions): HttpTransport & { close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    ...(options.connect ? { connect: options.connect } : {}),
  });
  const transport: HttpTransport = async (url, request) => {
    const { origin, pathname, search } = new URL(url);
    const response = await undiciRequest.call(agent, {
      origin,
      path: pathname + search,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal,
    });
    const text = await response.body.text();
    const headers = response.headers;
    return {
      status: response.statusCode,
      statusText: STATUS_CODES[response.statusCode] ?? "",
      header: (name) => {
        const value = headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(", ") : value;
      },
      text,
    };
  };
  return Object.assign(transport, { close: () => agent.close(), settlesOnAbort: true });
}
