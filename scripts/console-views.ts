/**
 * The operator console's views for `npm run screenshots` (docs/screenshots/console-*.png). Each
 * signs in first with a one-time link; the data comes from the console seed (every view has rows).
 */
import type { ConsoleSeed } from "../test/support/console-demo.js";
import type { View } from "./screenshots.js";

const at = (path: string | ((seed: ConsoleSeed) => string)) =>
  (async (s) => {
    const { url, seed } = await s.console();
    return { url: `${url}${typeof path === "string" ? path : path(seed)}` };
  }) satisfies View["target"];

export const CONSOLE_VIEWS: View[] = [
  { name: "console-login", target: async (s) => ({ url: `${(await s.console()).url}/console/login` }) },
  { name: "console-overview", signIn: true, target: at("/console") },
  { name: "console-waits", signIn: true, target: at("/console/waits") },
  { name: "console-wait", signIn: true, target: at((seed) => `/console/waits/${seed.openWait.id}`) },
  { name: "console-approvals", signIn: true, target: at("/console/approvals") },
  { name: "console-approval", signIn: true, target: at((seed) => `/console/approvals/${seed.approvalId}`) },
  { name: "console-deliveries", signIn: true, target: at("/console/deliveries") },
  {
    name: "console-delivery",
    signIn: true,
    target: at((seed) => `/console/deliveries/${seed.deadLetters[0]}`),
  },
  { name: "console-dead-letters", signIn: true, target: at("/console/dead-letters") },
  { name: "console-parked", signIn: true, target: at("/console/parked") },
  { name: "console-rejections", signIn: true, target: at("/console/rejections") },
  { name: "console-mail", signIn: true, target: at("/console/mail") },
];
