/** A realistic callback body, `{"output": {...}}`, padded to exactly `bytes` bytes of JSON. */
export function callbackBody(bytes = 1024): string {
  const output = {
    ticketId: "INC-2026-004217",
    decision: "approved",
    approvedBy: { name: "Kari Nordmann", email: "kari.nordmann@example.com" },
    approvedAt: 1_780_000_000_000,
    lines: [
      { asset: "23-PA-9101", check: "valve position", value: 0.82, unit: "fraction" },
      { asset: "23-PA-9102", check: "valve position", value: 0.79, unit: "fraction" },
      { asset: "23-TT-1044", check: "temperature", value: 61.4, unit: "degC" },
    ],
    note: "",
  };
  const base = JSON.stringify({ output }).length;
  if (base > bytes) throw new Error(`the body skeleton is already ${base} bytes`);
  output.note = "n".repeat(bytes - base);
  const body = JSON.stringify({ output });
  if (Buffer.byteLength(body) !== bytes) throw new Error("body size mismatch");
  return body;
}

/** The signed-webhook scenario's source mapping (JSONata), also timed alone by mapping-eval.ts. */
export const LIMS_MAPPING = {
  correlationKey: "data.sampleId",
  status:
    "type = 'sample.approved' ? 'COMPLETED' : type = 'sample.rejected' ? 'FAILED_WITH_TERMINAL_ERROR' : null",
  output: "{ 'sampleId': data.sampleId, 'result': data.result }",
} as const;

/** A LIMS sample result, padded to `bytes` of JSON, for correlation key `key`. */
export function sampleBody(key: string, bytes: number): string {
  const base = {
    type: "sample.approved",
    data: { sampleId: key, result: { value: 0.82, unit: "fraction" }, note: "" },
  };
  base.data.note = "x".repeat(Math.max(0, bytes - JSON.stringify(base).length));
  return JSON.stringify(base);
}
