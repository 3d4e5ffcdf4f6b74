/**
 * The reference's sections, in order, with a line each. A route may name a tag not listed here: it
 * is shown after these, without a line.
 */
export const TAGS: readonly { name: string; description: string }[] = [
  {
    name: "Waits",
    description:
      "A Cognite Function registers a wait for its task; a callback or a matching webhook completes the task in CDF.",
  },
  {
    name: "Callbacks",
    description: "The callback URL a wait hands out: public, protected by its signed token.",
  },
  {
    name: "Webhooks",
    description:
      "Signed webhooks from configured sources, verified on the raw bytes before anything is stored.",
  },
  {
    name: "Approvals",
    description: "Human approval of a task: one signed link per approver, a policy, the outcome sent to CDF.",
  },
  {
    name: "Approval pages",
    description: "What an approver's link opens: a page that never changes state on GET, and its form.",
  },
  {
    name: "Deliveries",
    description: "Accepted callbacks and webhooks on their way to CDF, with every forwarding attempt.",
  },
  {
    name: "Rejections",
    description: "Webhooks and callbacks refused before acceptance: what was refused, when and from where.",
  },
  { name: "Operations", description: "Probes, metrics and the start page, for operators and their tools." },
  { name: "Reference", description: "This reference, as a page and as an OpenAPI 3.1 document." },
];
