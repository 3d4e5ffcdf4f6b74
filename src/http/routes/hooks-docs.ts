import { named, type RouteDoc } from "../openapi/route-doc.js";
import { HookAcceptedSchema } from "../view-schemas.js";

const Accepted = named("HookAccepted", HookAcceptedSchema);

/** The reference's entries for hooks.ts. */
export const hookDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/hooks/:source",
    tag: "Webhooks",
    summary: "Receive a signed webhook",
    description: [
      "The source's expressions map the payload to a correlation key and a CDF status. The webhook is then stored as exactly one of: `queued` (an open wait matched and closes), `parked` (no wait yet: kept for `parkUnmatchedFor` and released when the wait appears), `ignored` (the status expression said it is not for us) or `duplicate` (the provider's message id was seen before).",
      "",
      "Provider handshakes (Slack's `url_verification`, …) are answered as the provider expects, not with the bodies below.",
    ].join("\n"),
    auth: "webhook",
    params: { source: "the source's name in the config (`sources.<name>`)" },
    body: {
      raw: ["application/json", "application/x-www-form-urlencoded"],
      description: "whatever the provider sends; the signature is checked on these exact bytes",
    },
    responses: {
      202: { description: "stored: `queued`, `parked` or `ignored`", json: Accepted },
      200: { description: "a retry of a webhook already stored (`duplicate`)", json: Accepted },
    },
    errors: [
      "unknown_source",
      "signature_invalid",
      "timestamp_out_of_tolerance",
      "payload_too_large",
      "malformed_body",
      "invalid_request",
      "output_too_large",
    ],
  },
];
