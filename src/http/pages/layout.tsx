/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * The document around every approval page. No script and no inline style anywhere (the CSP
 * forbids both); the stylesheet comes from our own origin. The robots and referrer metas repeat
 * the response headers for copies of the page saved or opened outside the server.
 */

import type { Child, FC } from "hono/jsx";
import { PAGE_CSS_PATH } from "./styles.js";

export const Layout: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content="no-referrer" />
      <title>{`${title} – taskgate`}</title>
      <link rel="stylesheet" href={PAGE_CSS_PATH} />
      {/* No icon: without this the browser asks for /favicon.ico and gets a 404 on every view. */}
      <link rel="icon" href="data:," />
    </head>
    <body>
      <header class="site">
        <p class="brand">taskgate · workflow approvals</p>
      </header>
      <main>{children}</main>
      <footer class="foot">
        <p>Approvals for Cognite Data Fusion workflows.</p>
      </footer>
    </body>
  </html>
);
