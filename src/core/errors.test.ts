import { describe, expect, it } from "vitest";
import { ERROR_STATUS, isTaskgateError, TaskgateError } from "./errors.js";

describe("TaskgateError", () => {
  it("carries a stable code and derives its HTTP status from it", () => {
    const err = new TaskgateError("wait_closed", "the wait is closed", { details: { waitId: "w1" } });
    expect(err.code).toBe("wait_closed");
    expect(err.status).toBe(409);
    expect(err.details).toEqual({ waitId: "w1" });
    expect(isTaskgateError(err)).toBe(true);
    expect(isTaskgateError(new Error("x"))).toBe(false);
  });

  it("never maps a client-input code to a 5xx", () => {
    const inputCodes = Object.entries(ERROR_STATUS).filter(([code]) =>
      [
        "malformed_body",
        "invalid_request",
        "payload_too_large",
        "output_too_large",
        "token_invalid",
      ].includes(code),
    );
    for (const [, status] of inputCodes) expect(status).toBeLessThan(500);
  });
});
