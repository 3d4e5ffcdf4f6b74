/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import { Document } from "./layout.js";

/**
 * A refused console request, as a page rather than JSON: what went wrong, its stable code, and the
 * way back. Drawn without the signed-in frame, since a refusal may mean there is no session.
 */
export const ProblemView: FC<{ status: number; code: string; message: string; back?: string }> = ({
  status,
  code,
  message,
  back = "/console",
}) => (
  <Document title="Refused">
    <main class="login" id="main">
      <div class="panel">
        <div class="panel-body">
          <h1>
            {status === 403
              ? "Not allowed"
              : status === 404
                ? "Not found"
                : status === 409
                  ? "Not possible now"
                  : "Refused"}
          </h1>
          <p class="flash flash-error" role="alert">
            {message}
          </p>
          <p class="hint">
            HTTP {status} · code <code>{code}</code>
          </p>
          <p>
            <a class="btn" href={back}>
              Back to the console
            </a>
          </p>
        </div>
      </div>
    </main>
  </Document>
);
