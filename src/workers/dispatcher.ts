import type { ExecutionContext } from "hono";
import type { Dispatcher } from "../ports/dispatcher.js";
import type { Forwarder } from "../services/forwarder.js";

/** How many due deliveries a replay's follow-up pass may take in the request that asked for it. */
const KICK_LIMIT = 4;

/**
 * The Workers dispatcher, built per request: an accepted delivery is stored already leased to a
 * fresh owner (in the same D1 batch that closes the wait), then forwarded after the response
 * under this request's `waitUntil`. No other isolate can claim it while the lease lasts; if this
 * isolate dies first, the lease runs out and the cron's claim takes it over. A kick (a replay, a
 * released park) asks for one short pass.
 */
export function waitUntilDispatcher(
  ctx: Pick<ExecutionContext, "waitUntil">,
  forwarder: Pick<Forwarder, "lease" | "forward" | "runOnce">,
  background: (work: Promise<unknown>, what: string) => Promise<void>,
): Dispatcher {
  return {
    prepare: (delivery, now) => forwarder.lease(delivery, now),
    dispatched: (delivery) => ctx.waitUntil(background(forwarder.forward(delivery), "immediate forward")),
    kick: () => ctx.waitUntil(background(forwarder.runOnce(KICK_LIMIT), "forwarding pass")),
  };
}
