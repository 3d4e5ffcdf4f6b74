/** One HTTP answer, read whole: all the CDF client needs of a response. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  /** A response header by (case-insensitive) name, or null. */
  header(name: string): string | null;
  text: string;
}

export interface HttpRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/**
 * How the CDF client sends one request and reads its answer. Every runtime has `fetch`; Node has
 * a faster pooled client (undici-transport.ts) behind the same shape, chosen in node.ts.
 */
export type HttpTransport = ((url: string, request: HttpRequest) => Promise<HttpAnswer>) & {
  /**
   * True when the transport itself rejects as soon as `request.signal` aborts (undici does). The
   * client otherwise races each answer against the signal, since a `fetch` (a test double, an
   * in-process app) may ignore it.
   */
  readonly settlesOnAbort?: boolean;
};

/** The transport over a `fetch` (the runtime's, or a test's in-process app). */
export function fetchTransport(fetchImpl: typeof fetch): HttpTransport {
  return async (url, request) => {
    const response = await fetchImpl(url, request);
    const text = await response.text();
    return {
      status: response.status,
      statusText: response.statusText,
      header: (name) => response.headers.get(name),
      text,
    };
  };
}
