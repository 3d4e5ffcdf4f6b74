import * as z from "zod";
import { int } from "./field-schemas.js";

/**
 * Rate limits and load shedding on the public endpoints (/hooks, /v1/callbacks, approval pages'
 * POSTs), per process (Workers: per isolate). Rates are requests per second; 0 turns one off.
 */
export const LimitsSchema = z.strictObject({
  /** Per client address (the socket's, or the first X-Forwarded-For hop with server.trustProxy). */
  perIp: int(0, 1_000_000, 1_000),
  /** Per webhook source (/hooks/:source), whichever addresses its sender uses. */
  perSource: int(0, 1_000_000, 5_000),
  /** Requests a key may send at once above its rate (the bucket size). */
  burst: int(1, 1_000_000, 2_000),
  /** Accept requests handled at once by this process; more answer 503 `overloaded`. 0: no cap. */
  maxInFlight: int(0, 1_000_000, 1_000),
  /**
   * Pending deliveries (accepted, not yet delivered) past which accepts answer 503 `overloaded`
   * with Retry-After, counted every second by the forwarder (at most this many). 0: no cap.
   */
  maxBacklog: int(0, 100_000_000, 100_000),
});

export type LimitsConfig = z.output<typeof LimitsSchema>;
