import type { Dispatcher } from "../ports/dispatcher.js";

/**
 * Leaves every delivery to a later claim (a forwarder pass run by the caller, a cron): for
 * tools and tests that store deliveries without a forwarder of their own.
 */
export const claimOnlyDispatcher: Dispatcher = {
  prepare() {},
  dispatched() {},
  kick() {},
};
