/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import { Empty } from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

/**
 * Requests refused before acceptance (bad signature, stale timestamp, unknown source, …). The
 * rejected-request log is another piece of work: until the store records rejections, this view
 * says so instead of showing an empty table that would read as "nothing was refused".
 */
export const RejectionsView: FC<{ frame: Frame }> = ({ frame }) => (
  <ConsoleLayout
    frame={frame}
    view="rejections"
    title="Rejected requests"
    subtitle="Webhooks and callbacks refused before acceptance"
  >
    <Empty title="The rejected-request log is not recorded by this build">
      <p>
        Refused webhooks (bad signature, stale timestamp, unknown source, too large) are answered with a 4xx
        and appear in the request log with their error code.
      </p>
      <p>
        When the rejected-request log is enabled, each refusal is listed here with its source, code and
        client.
      </p>
    </Empty>
  </ConsoleLayout>
);
