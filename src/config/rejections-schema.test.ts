import { describe, expect, it } from "vitest";
import { RejectionsSchema } from "./rejections-schema.js";

describe("rejections config", () => {
  it("is on with 100,000 rows by default", () => {
    expect(RejectionsSchema.parse({})).toEqual({ enabled: true, maxRows: 100_000 });
  });

  it("takes enabled and maxRows, and refuses a bound that is not a sane whole number", () => {
    expect(RejectionsSchema.parse({ enabled: false, maxRows: 500 })).toEqual({
      enabled: false,
      maxRows: 500,
    });
    for (const maxRows of [0, 99, 1.5, "1000"])
      expect(RejectionsSchema.safeParse({ maxRows }).success).toBe(false);
    expect(RejectionsSchema.safeParse({ max: 5 }).success).toBe(false);
  });
});
