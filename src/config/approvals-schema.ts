import * as z from "zod";
import { isLoopbackHost } from "../core/loopback.js";
import { baseUrl, duration, fixParams, int, nonEmpty } from "./field-schemas.js";
import { hint } from "./hints.js";

const email = hint(z.string().min(3).max(320), { example: '"Taskgate <taskgate@example.com>"' });

/** How approval mail is sent: SMTP (Node) or the Resend HTTP API (everywhere). */
export const MailSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("smtp"),
    host: nonEmpty('"smtp.example.com"'),
    port: int(1, 65_535, 587),
    /** Implicit TLS from the first byte (port 465); otherwise STARTTLS when offered. */
    secure: z.boolean().default(false),
    /**
     * Refuse to send unless the server upgrades with STARTTLS: links in approval mail are
     * credentials. Defaults to true, except for a server on loopback (a local mail catcher).
     */
    requireTls: z.boolean().optional(),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: email,
  }),
  z.strictObject({
    kind: z.literal("resend"),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is a literal ${env:...} reference
    apiKey: nonEmpty('"${env:RESEND_API_KEY}"'),
    from: email,
    baseUrl: baseUrl("https://api.resend.com", { outbound: true }).optional(),
  }),
]);

/** The mail config with SMTP's TLS requirement settled (see `requireTls`). */
export const MailWithDefaultsSchema = MailSchema.transform((m) =>
  m.kind === "smtp" ? { ...m, requireTls: m.requireTls ?? !isLoopbackHost(m.host) } : m,
);

export type MailConfig = z.output<typeof MailWithDefaultsSchema>;

/** Approval lifetimes, what an expiry means, and the optional mailer for approver links. */
export const ApprovalsSchema = z
  .strictObject({
    defaultTtl: duration("24h", "the default approval lifetime"),
    maxTtl: duration("30d", "the longest approval lifetime"),
    /** What an expiry sends to CDF: FAILED_WITH_TERMINAL_ERROR ("fail") or COMPLETED ("complete"). */
    onExpire: z.enum(["fail", "complete"]).default("fail"),
    /** How long links keep showing the outcome after the approval's expiry. */
    linkGrace: duration("7d", "how long links outlive their approval"),
    mail: MailWithDefaultsSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if (typeof a.defaultTtl === "number" && typeof a.maxTtl === "number" && a.defaultTtl > a.maxTtl) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultTtl"],
        message: "longer than approvals.maxTtl",
        params: fixParams("shorten approvals.defaultTtl or lengthen approvals.maxTtl"),
      });
    }
  });
