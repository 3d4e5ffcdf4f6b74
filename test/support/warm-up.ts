import { expect } from "vitest";
import type { CdfEmulator } from "./cdf.js";
import type { TaskgateApi } from "./taskgate-api.js";

/** One callback through to CDF, so the gateway's token is cached before a timed or killed phase. */
export async function deliverOne(cdf: CdfEmulator, api: TaskgateApi): Promise<void> {
  const { taskId } = await cdf.newTask();
  const wait = await api.createWait({ taskId });
  const answer = await api.callback(wait.callbackUrl, {});
  expect(answer.status).toBe(202);
  await api.waitForDelivery(answer.body.deliveryId, "delivered");
}
