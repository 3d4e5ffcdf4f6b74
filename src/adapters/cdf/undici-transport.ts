import { STATUS_CODES } from "node:http";
import { Agent } from "undici";
import type { HttpTransport } from "./http-transport.js";

export interface UndiciTransportOptions {
  /** Keep-alive connections per origin: at least the forwarder's concurrency. */
  connections: number;
  /** Tests: where to connect instead of the URL's host (the URL still names the host). */
  connect?: Agent.Options["connect"];
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
    const response = await agent.request({
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
  return Object.assign(transport, { close: () => agent.close() });
}
