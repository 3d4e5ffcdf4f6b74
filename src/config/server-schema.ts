import * as z from "zod";
import { int } from "./field-schemas.js";
import { hint } from "./hints.js";

/** How the process listens: address, port and the largest body it reads. */
export const ServerSchema = z.strictObject({
  host: hint(z.string().min(1).default("0.0.0.0"), { example: '"0.0.0.0"' }),
  port: int(1, 65_535, 8080),
  /** Bodies above this are refused before they are read whole (DESIGN §5). */
  bodyLimitBytes: int(1, 10 * 1024 * 1024, 256 * 1024),
  /** Believe the first X-Forwarded-For hop as the client address (only behind a proxy that sets it). */
  trustProxy: z.boolean().default(false),
  /** Node: open sockets beyond this are closed at once (unset: no cap). Headers must arrive in 10 s, a whole request in 30 s. */
  maxConnections: hint(z.int().min(1).max(1_000_000).optional(), { example: "10000" }),
  /** One JSON line per request (route pattern, status, duration; never a token). */
  accessLog: z.boolean().default(true),
});

/** How much the process logs. */
export const LogSchema = z.strictObject({
  level: z.enum(["debug", "info", "warn", "error"]).default("info"),
});
