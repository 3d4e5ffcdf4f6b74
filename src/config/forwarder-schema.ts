import * as z from "zod";
import { duration, int } from "./field-schemas.js";

/** How the forwarder claims deliveries and retries CDF calls. */
export const ForwarderSchema = z.strictObject({
  concurrency: int(1, 256, 32),
  lease: duration("60s", "the delivery lease"),
  pollInterval: duration("1s", "the poll interval"),
  minRetryWindow: duration("1h", "the minimum retry window"),
  callRetries: int(0, 10, 2),
});
