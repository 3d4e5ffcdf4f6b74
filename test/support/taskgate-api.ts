import type { deliveryView, waitView } from "../../src/http/views.js";
import type { AttemptRecord, DeliveryStatus } from "../../src/ports/store.js";
import { eventually } from "./eventually.js";

export type WaitView = ReturnType<typeof waitView> & { callbackUrl: string };
export type AttemptView = Omit<AttemptRecord, "deliveryId">;
export type DeliveryView = Omit<ReturnType<typeof deliveryView>, "history"> & { history: AttemptView[] };

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin client for taskgate's HTTP API, as a CDF Function or a third party would call it. */
export class TaskgateApi {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    auth = true,
    signal?: AbortSignal,
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** POST /v1/waits; fails the test unless it answers 201. */
  async createWait(body: Record<string, unknown>): Promise<WaitView> {
    const res = await this.request<WaitView>("POST", "/v1/waits", body);
    if (res.status !== 201)
      throw new Error(`POST /v1/waits answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /**
   * Calls a wait's callback URL on this gateway. A child gateway builds callback URLs from its
   * configured publicUrl, so only the path is taken from the URL.
   */
  callback<T = { deliveryId: string; outcome: string }>(
    callbackUrl: string,
    body: Record<string, unknown> = {},
    signal?: AbortSignal,
  ): Promise<HttpAnswer<T>> {
    return this.request<T>("POST", new URL(callbackUrl).pathname, body, false, signal);
  }

  async delivery(id: string): Promise<DeliveryView> {
    const res = await this.request<DeliveryView>("GET", `/v1/deliveries/${id}`);
    if (res.status !== 200)
      throw new Error(`GET delivery ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async deliveries(status?: DeliveryStatus): Promise<DeliveryView[]> {
    const items: DeliveryView[] = [];
    let cursor: string | null = null;
    do {
      const q = new URLSearchParams({ limit: "1000" });
      if (status) q.set("status", status);
      if (cursor) q.set("cursor", cursor);
      const res: HttpAnswer<{ items: DeliveryView[]; nextCursor: string | null }> = await this.request(
        "GET",
        `/v1/deliveries?${q}`,
      );
      if (res.status !== 200) throw new Error(`GET /v1/deliveries answered ${res.status}`);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  /** Polls GET /v1/deliveries/:id until the delivery reaches `status`. */
  waitForDelivery(id: string, status: DeliveryStatus, timeoutMs = 10_000): Promise<DeliveryView> {
    return eventually(
      async () => {
        const d = await this.delivery(id);
        if (d.status !== status) {
          throw new Error(
            `delivery ${id} is ${d.status} (attempts ${d.attempts}, last error ${d.lastError})`,
          );
        }
        return d;
      },
      { timeoutMs, intervalMs: 50, what: `delivery ${id} to be ${status}` },
    );
  }
}
