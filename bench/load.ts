import autocannon, { type Instance, type RawRequest, type Result } from "autocannon";

export interface LoadOptions {
  /** Origin, e.g. http://127.0.0.1:1234 */
  url: string;
  /** Fixed path for every request (the baseline). */
  path?: string;
  /** Hands out a fresh path per request; `undefined` means none left (the run is stopped). */
  nextPath?: () => string | undefined;
  /** Like nextPath, with per-request headers and body (signed webhooks). */
  nextRequest?: () => { path: string; headers: Record<string, string>; body: string } | undefined;
  body: string;
  connections: number;
  durationSec: number;
  /** The only status that counts as success. */
  expectStatus: number;
  title: string;
}

export interface LoadResult {
  title: string;
  /** Mean of autocannon's per-second samples. */
  rps: number;
  /** Successful responses / wall duration. */
  okPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  maxMs: number;
  durationSec: number;
  total: number;
  ok: number;
  /** Responses with any other status, by status. */
  otherStatuses: Record<string, number>;
  /** Connection errors and timeouts (autocannon). */
  errors: number;
  timeouts: number;
  /** Requests sent after the fresh paths ran out (the run was cut short). */
  overflow: number;
}

/** Where a request goes once `nextPath` is exhausted: answered cheaply and never counted as ok. */
const EXHAUSTED_PATH = "/v1/callbacks/bench-ran-out-of-waits";

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const headers = { "content-type": "application/json" };
  let overflow = 0;
  let instance: Instance | undefined;
  const nextPath = o.nextPath;
  const nextRequest = o.nextRequest;
  const request = nextRequest
    ? {
        method: "POST",
        headers,
        body: o.body,
        setupRequest: (req: RawRequest): RawRequest => {
          const r = nextRequest();
          if (r !== undefined)
            return { ...req, path: r.path, headers: { ...headers, ...r.headers }, body: r.body };
          overflow++;
          instance?.stop();
          return { ...req, path: EXHAUSTED_PATH };
        },
      }
    : nextPath
      ? {
          method: "POST",
          headers,
          body: o.body,
          setupRequest: (req: RawRequest): RawRequest => {
            const path = nextPath();
            if (path !== undefined) return { ...req, path };
            overflow++;
            instance?.stop();
            return { ...req, path: EXHAUSTED_PATH };
          },
        }
      : { method: "POST", headers, body: o.body, path: o.path ?? "/" };

  instance = autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationSec,
    timeout: 10,
    title: o.title,
    requests: [request],
  });
  const result: Result = await instance;

  let total = 0;
  let ok = 0;
  const otherStatuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    const n = Number(count);
    total += n;
    if (Number(status) === o.expectStatus) ok += n;
    else otherStatuses[status] = n;
  }
  return {
    title: o.title,
    rps: result.requests.average,
    okPerSec: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    maxMs: result.latency.max,
    durationSec: result.duration,
    total,
    ok,
    otherStatuses,
    errors: result.errors,
    timeouts: result.timeouts,
    overflow,
  };
}
