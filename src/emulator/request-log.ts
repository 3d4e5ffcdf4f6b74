export interface RequestLogEntry {
  /** 1, 2, 3… in order of arrival. */
  seq: number;
  /** Arrival time by the emulator's clock (epoch ms). */
  time: number;
  method: string;
  /** Path relative to the emulator's root, e.g. `/api/v1/projects/emulator/workflows/tasks/…/update`. */
  path: string;
  /** The answered status; 0 while in flight, or when a `drop` fault cut the connection. */
  status: number;
  requestId: string;
  /** Parsed JSON when the body is JSON, the raw text otherwise, `null` when empty. Never a secret. */
  body: unknown;
  /** The id of the fault that affected this request. */
  fault?: string;
}

/** Form fields that must never reach the log. */
const SECRET_FIELDS = new Set(["client_secret", "client_assertion", "password", "refresh_token"]);

/**
 * The record of CDF API and token calls, so tests can assert exactly what taskgate sent (and how
 * often). The array is kept and cleared in place, so a reference taken once stays live.
 */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  private seq = 0;

  begin(entry: Omit<RequestLogEntry, "seq" | "status">): RequestLogEntry {
    const logged: RequestLogEntry = { seq: ++this.seq, status: 0, ...entry };
    this.entries.push(logged);
    return logged;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** A JSON body as a value, or the text when it is not JSON. */
export function jsonBodyForLog(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A token request's form fields without the client secret. */
export function formBodyForLog(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (!SECRET_FIELDS.has(name)) out[name] = value;
  }
  return out;
}
