import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { type ResendApiFake, startResendApiFake } from "../support/resend-api-fake.js";

/**
 * The Resend API key the worker under test sends with (vitest.workers.config.ts passes it as the
 * RESEND_API_KEY binding; the config names it with ${env:RESEND_API_KEY}). The fake answers 403 to
 * any other key, so every mail it records was sent with this one.
 */
export const RESEND_TEST_API_KEY = "re_workers_test_0123456789abcdef";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the Resend API fake, the worker's approvals.mail.baseUrl. */
    resendUrl: string;
    /** Origin of the fake's admin server, for tests that run inside workerd (see below). */
    resendAdminUrl: string;
  }
}

/**
 * Vitest global setup for the workerd suite (Node side; type-checked through
 * vitest.workers.config.ts, not by test/workers/tsconfig.json): the Resend API fake on a real Node
 * HTTP server, reached by the worker's outbound fetch like the CDF emulator. Tests run inside
 * workerd and cannot read the fake's memory, so a second small server exposes it:
 *
 * - `GET /messages`: the mails the fake accepted (`ResendFakeEmail[]`)
 * - `GET /requests`: every request it received, refused or not
 * - `POST /fail` `{status, times?}`: answer the next `times` sends with `status` (`failNext`)
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startResendApiFake(RESEND_TEST_API_KEY);
  const admin = createServer((req, res) => {
    handleAdmin(fake, req).then(
      ([status, body]) => reply(res, status, body),
      (err: unknown) => reply(res, 500, { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  await new Promise<void>((resolve) => admin.listen(0, "127.0.0.1", resolve));
  const { port } = admin.address() as AddressInfo;
  project.provide("resendUrl", fake.url);
  project.provide("resendAdminUrl", `http://127.0.0.1:${port}`);
  return async () => {
    await new Promise<void>((resolve) => {
      admin.closeAllConnections();
      admin.close(() => resolve());
    });
    await fake.close();
  };
}

async function handleAdmin(fake: ResendApiFake, req: IncomingMessage): Promise<[number, unknown]> {
  const route = `${req.method} ${req.url}`;
  if (route === "GET /messages") return [200, fake.messages];
  if (route === "GET /requests") return [200, fake.requests];
  if (route === "POST /fail") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { status, times } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      status: number;
      times?: number;
    };
    fake.failNext(status, times);
    return [200, { status, times: times ?? 1 }];
  }
  return [404, { error: `no admin route ${route}` }];
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
