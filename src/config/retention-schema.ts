import * as z from "zod";
import { duration, durationOrOff, int } from "./field-schemas.js";

/**
 * How long settled records are kept (DESIGN §5 Retention), each from the moment it settled:
 * deliveries from their last change, waits and approvals from their closing (and never before
 * their delivery is gone). `rejections` and `audit` are for the rejected-request log and the
 * audit chain (`audit` may be "off" or 0: never purged; a purge leaves a checkpoint entry). `interval` is how often the purge job runs on Node (Workers: every cron pass);
 * `batch` the most rows one purge statement deletes.
 */
export const RetentionSchema = z.strictObject({
  delivered: duration("30d", "how long delivered deliveries are kept"),
  dead: duration("90d", "how long dead letters are kept"),
  ignored: duration("7d", "how long ignored webhooks are kept"),
  expired: duration("7d", "how long parked webhooks that no wait claimed are kept"),
  waits: duration("30d", "how long closed, cancelled and expired waits are kept"),
  approvals: duration("30d", "how long decided approvals are kept"),
  rejections: duration("7d", "how long rejected requests are kept"),
  audit: durationOrOff("365d", "how long audit entries are kept"),
  interval: duration("10m", "how often the purge job runs"),
  batch: int(1, 5000, 500),
});

export type RetentionConfig = z.output<typeof RetentionSchema>;
