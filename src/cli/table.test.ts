import { describe, expect, it } from "vitest";
import { formatDuration, formatTable, formatTime } from "./table.js";

describe("CLI tables", () => {
  it("aligns columns to the widest cell and leaves no trailing blanks", () => {
    expect(
      formatTable(
        ["ID", "STATUS", "NOTE"],
        [
          ["a", "delivered", ""],
          ["bbbb", "dead", "400 bad"],
        ],
      ),
    ).toBe(["ID    STATUS     NOTE", "a     delivered", "bbbb  dead       400 bad"].join("\n"));
  });

  it("writes times in UTC to the second, and durations in their largest whole unit", () => {
    expect(formatTime(Date.UTC(2026, 11, 4, 17, 55, 1, 999))).toBe("2026-12-04 17:55:01Z");
    expect(formatTime(null)).toBe("-");
    expect([30 * 86_400_000, 3_600_000, 90_000, 1_500].map(formatDuration)).toEqual([
      "30d",
      "1h",
      "90s",
      "1500ms",
    ]);
  });
});
