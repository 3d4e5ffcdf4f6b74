import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    /** The bindings vitest.workers.config.ts gives the worker under test. */
    interface Env {
      DB: D1Database;
      CONTRACT_DB: D1Database;
      TASKGATE_CONFIG: string;
      TASKGATE_SIGNING_SECRET: string;
      CDF_CLIENT_SECRET: string;
      TEST_API_KEY: string;
      LIMS_WEBHOOK_SECRET: string;
      RESEND_API_KEY: string;
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by test/support/emulator-global-setup.ts: the CDF emulator's origin. */
    emulatorUrl: string;
    /** Set by test/workers/resend-global-setup.ts: the Resend API fake's origin (approvals.mail.baseUrl). */
    resendUrl: string;
    /** Set by test/workers/resend-global-setup.ts: the fake's admin server (its messages, injected failures). */
    resendAdminUrl: string;
  }
}
