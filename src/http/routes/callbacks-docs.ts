import { JSON_BODY_ERRORS, named, type RouteDoc } from "../openapi/route-doc.js";
import { CallbackBodySchema } from "../schemas.js";
import { CallbackAcceptedSchema } from "../view-schemas.js";

const Accepted = named("CallbackAccepted", CallbackAcceptedSchema);

/** The reference's entries for callbacks.ts. */
export const callbackDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/callbacks/:token",
    tag: "Callbacks",
    summary: "Complete a wait's task",
    description:
      "Stores the result durably, then answers; the task update reaches CDF shortly after (with retries). `status` defaults to `COMPLETED`; the wait's `output` template is merged under `output`. The same body again is a `duplicate` (200); a different result after the first is refused (409 `wait_closed`).",
    auth: "callback-token",
    params: { token: "the signed token from the wait's `callbackUrl`" },
    body: {
      json: named("CallbackBody", CallbackBodySchema),
      required: false,
      description: "an empty body means `COMPLETED` with no output",
    },
    responses: {
      202: { description: "accepted: the update is on its way to CDF (`queued`)", json: Accepted },
      200: { description: "the same result was already accepted (`duplicate`)", json: Accepted },
    },
    errors: [
      "token_invalid",
      "token_expired",
      ...JSON_BODY_ERRORS,
      "wait_not_found",
      "wait_closed",
      "output_too_large",
    ],
  },
];
