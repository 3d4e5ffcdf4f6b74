/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * The frame around every console view: a sidebar of views (a tab row on a phone), who is signed
 * in with the sign-out button, and the page's own heading. No inline script or style anywhere.
 */

import type { Child, FC } from "hono/jsx";
import { CONSOLE_CSS_PATH, CONSOLE_JS_PATH } from "./styles.js";

export type ViewName =
  | "overview"
  | "waits"
  | "approvals"
  | "deliveries"
  | "dead"
  | "parked"
  | "rejections"
  | "mail";

export const NAV: readonly { view: ViewName; href: string; label: string }[] = [
  { view: "overview", href: "/console", label: "Overview" },
  { view: "waits", href: "/console/waits", label: "Waits" },
  { view: "approvals", href: "/console/approvals", label: "Approvals" },
  { view: "deliveries", href: "/console/deliveries", label: "Deliveries" },
  { view: "dead", href: "/console/dead-letters", label: "Dead letters" },
  { view: "parked", href: "/console/parked", label: "Parked" },
  { view: "rejections", href: "/console/rejections", label: "Rejected requests" },
  { view: "mail", href: "/console/mail", label: "Mail" },
];

/** What every signed-in view is given by the route: who, the CSRF token, and sidebar counts. */
export interface Frame {
  who: string;
  csrf: string;
  now: number;
  localMode: boolean;
  /** Badge counts in the sidebar (dead letters, parked), when known. */
  counts?: Partial<Record<ViewName, number>>;
  flash?: { kind: "ok" | "error"; text: string } | undefined;
}

export const Document: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content="no-referrer" />
      <title>{`${title} – taskgate console`}</title>
      <link rel="stylesheet" href={CONSOLE_CSS_PATH} />
      <link rel="icon" href="data:," />
      <script src={CONSOLE_JS_PATH} defer />
    </head>
    <body>{children}</body>
  </html>
);

export const ConsoleLayout: FC<{
  frame: Frame;
  view: ViewName;
  title: string;
  subtitle?: Child;
  crumbs?: Child;
  actions?: Child;
  children?: Child;
}> = ({ frame, view, title, subtitle, crumbs, actions, children }) => (
  <Document title={title}>
    <div class="shell">
      <nav class="side" aria-label="Console">
        <a class="brand" href="/console">
          taskgate <small>{frame.localMode ? "local console" : "console"}</small>
        </a>
        <ul class="nav">
          {NAV.map((item) => {
            const count = frame.counts?.[item.view];
            return (
              <li>
                <a href={item.href} aria-current={item.view === view ? "page" : undefined}>
                  <span>{item.label}</span>
                  {count ? (
                    <span class={`count${item.view === "dead" ? " count-alert" : ""}`}>
                      {count > 999 ? "999+" : count}
                    </span>
                  ) : null}
                </a>
              </li>
            );
          })}
        </ul>
        <div class="who">
          Signed in as <strong>{frame.who}</strong>
          <SignOut csrf={frame.csrf} />
        </div>
      </nav>
      <main class="main" id="main">
        {crumbs ? <p class="crumbs">{crumbs}</p> : null}
        <div class="top">
          <div>
            <h1>{title}</h1>
            {subtitle ? <p class="sub">{subtitle}</p> : null}
          </div>
          {actions ? <div class="actions">{actions}</div> : null}
        </div>
        {frame.flash ? (
          <p class={`flash${frame.flash.kind === "error" ? " flash-error" : ""}`} role="status">
            {frame.flash.text}
          </p>
        ) : null}
        {children}
        <div class="only-small">
          <p class="muted">
            Signed in as <strong>{frame.who}</strong>
          </p>
          <SignOut csrf={frame.csrf} />
        </div>
      </main>
    </div>
  </Document>
);

const SignOut: FC<{ csrf: string }> = ({ csrf }) => (
  <form method="post" action="/console/logout">
    <input type="hidden" name="csrf" value={csrf} />
    <button type="submit" class="link-button">
      Sign out
    </button>
  </form>
);
