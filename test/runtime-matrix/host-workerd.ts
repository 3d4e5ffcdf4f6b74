import { runSmoke } from "./smoke.js";

/**
 * The module worker workerd runs: nothing happens at load (workerd forbids randomness and timers
 * in global scope); each request runs the smoke and answers its report, 500 when it failed.
 */
export default {
  async fetch(): Promise<Response> {
    const report = await runSmoke();
    return Response.json(report, { status: report.ok ? 200 : 500 });
  },
};
