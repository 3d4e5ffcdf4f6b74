/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import { CONSOLE_CSS_PATH } from "../console/styles.js";

export interface LandingData {
  /** A fresh one-time console sign-in path, when this process can issue one. */
  signInPath: string | undefined;
}

interface Entry {
  href: string;
  label: string;
  note: string;
}

/**
 * GET / in local mode: where everything is. Styled by the console's stylesheet; no script, nothing
 * inline (the console's CSP).
 */
export const LandingView: FC<{ data: LandingData }> = ({ data }) => {
  const entries: Entry[] = [
    data.signInPath
      ? {
          href: data.signInPath,
          label: "Console",
          note: "Waits, deliveries, dead letters, approvals. This link signs you in once (15 minutes).",
        }
      : { href: "/console", label: "Console", note: "Waits, deliveries, dead letters, approvals." },
    {
      href: "/console/mail",
      label: "Mail catcher",
      note: "Local mode sends no mail: each approval mail is kept here, as the approver would see it.",
    },
    { href: "/docs", label: "API reference", note: "Every route with its parameters, bodies and errors." },
    {
      href: "/emulator/_emulator/requests",
      label: "CDF emulator",
      note: "CDF, emulated at /emulator: this lists the requests taskgate sent it.",
    },
    {
      href: "/metrics",
      label: "Metrics",
      note: "Prometheus text: requests, webhooks, deliveries, forwarding.",
    },
    { href: "/openapi.json", label: "OpenAPI", note: "The same reference as an OpenAPI 3.1 document." },
  ];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <title>taskgate – local mode</title>
        <link rel="stylesheet" href={CONSOLE_CSS_PATH} />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <main class="landing" id="main">
          <p class="brand-dark muted">taskgate · local mode</p>
          <h1>taskgate is running</h1>
          <p class="sub">
            A webhook and approval gateway for Cognite Data Fusion workflows. Local mode keeps its data in
            ./data, answers only on this machine, and talks to an emulated CDF in the same process.
          </p>
          <ul class="landing-links">
            {entries.map((e) => (
              <li>
                <a class="card" href={e.href}>
                  <span class="landing-label">{e.label}</span>
                  <span class="note">{e.note}</span>
                </a>
              </li>
            ))}
          </ul>
          <p class="hint">
            The start-up banner printed a copy-paste walkthrough (a wait, a callback, the task completed in
            the emulator); the README has it too.
          </p>
        </main>
      </body>
    </html>
  );
};
