import { describe, expect, it } from "vitest";
import { effectiveStatus, outcomeSentence } from "./outcome-words.js";

const AT = Date.UTC(2026, 11, 4, 14, 2);

describe("outcomeSentence (GET /v1/approvals/:id summary)", () => {
  it.each([
    [
      "approved",
      { status: "delivered", deliveredAt: AT, lastError: null },
      "Approved — CDF accepted the update at 2026-12-04 14:02 UTC",
    ],
    ["approved", { status: "pending", deliveredAt: null, lastError: null }, "Approved — delivering to CDF…"],
    [
      "rejected",
      { status: "dead", deliveredAt: null, lastError: "403 no access" },
      "Rejected, but CDF refused the update: 403 no access",
    ],
    ["expired", null, "Expired without an outcome"],
    ["pending", null, "Waiting for decisions"],
    ["cancelled", null, "Cancelled; CDF was not told"],
  ] as const)("%s with %o: %s", (status, delivery, words) => {
    expect(outcomeSentence(status, delivery === null ? null : { ...delivery })).toBe(words);
  });

  it("counts a pending approval as expired from its expiry on", () => {
    expect(effectiveStatus({ status: "pending", expiresAt: AT }, AT - 1)).toBe("pending");
    expect(effectiveStatus({ status: "pending", expiresAt: AT }, AT)).toBe("expired");
    expect(effectiveStatus({ status: "approved", expiresAt: AT }, AT + 1)).toBe("approved");
  });
});
