import * as z from "zod";
import { duration, fixParams, int } from "./field-schemas.js";

/** How the forwarder claims deliveries and retries CDF calls. */
export const ForwarderSchema = z
  .strictObject({
    concurrency: int(1, 256, 48),
    lease: duration("60s", "the delivery lease"),
    pollInterval: duration("1s", "the poll interval"),
    minRetryWindow: duration("1h", "the minimum retry window"),
    callRetries: int(0, 10, 2),
    /** PostgreSQL replicas beat this often... */
    heartbeat: duration("1s", "the heartbeat interval"),
    /**
     * ...and take over the leases of a replica silent for this long (well under the lease). 5 s
     * plus at most one interval until a beat notices, so a killed replica's work resumes within
     * 6 s of the kill: with a restart healthy a second later, its callbacks still reach CDF
     * within 10 s of that /healthz (issue 14 §2). Five beats of margin against a busy event loop.
     */
    takeoverAfter: duration("5s", "the takeover delay"),
  })
  .refine((f) => f.takeoverAfter >= 3 * f.heartbeat, {
    path: ["takeoverAfter"],
    message: "must be at least three heartbeat intervals, or a live replica could be taken for dead",
    params: fixParams("make it at least three times forwarder.heartbeat (defaults: 1s and 5s)"),
  });
