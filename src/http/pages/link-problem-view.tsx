/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * Pages for a link that cannot be used. They say what happened and what to do, and nothing else:
 * the token may be forged, so these pages reveal no approval, approver or task.
 */

import type { FC } from "hono/jsx";
import type { PageState } from "./model.js";

export type LinkProblemKind = Extract<PageState["kind"], "link_expired" | "link_invalid" | "cross_site">;

const NEW_LINK = "If you still need to answer, ask the person who sent it for a new link.";

export const LINK_PROBLEM_HEADLINES: Record<LinkProblemKind, string> = {
  link_expired: "This link has expired",
  link_invalid: "This link does not work",
  cross_site: "Your decision was not accepted",
};

export const LinkProblemView: FC<{ kind: LinkProblemKind }> = ({ kind }) => (
  <>
    <h1>{LINK_PROBLEM_HEADLINES[kind]}</h1>
    {kind === "link_expired" && (
      <>
        <p>Approval links stop working some time after the request they belong to has ended.</p>
        <p>{NEW_LINK}</p>
      </>
    )}
    {kind === "link_invalid" && (
      <>
        <p>
          The link may be incomplete or changed, for example cut across two lines by your email program. Try
          opening it again straight from the email.
        </p>
        <p>If that does not help, ask the person who sent it for a new link.</p>
      </>
    )}
    {kind === "cross_site" && (
      <>
        <p>The form was sent from another website, so nothing was recorded.</p>
        <p>
          To decide, open the link from your email again and use the buttons on that page. If this keeps
          happening, ask the person who sent it for a new link.
        </p>
      </>
    )}
  </>
);
