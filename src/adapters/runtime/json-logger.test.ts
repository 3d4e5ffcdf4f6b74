import { describe, expect, it } from "vitest";
import { jsonLogger, MAX_FIELD_CHARS } from "./json-logger.js";

describe("jsonLogger", () => {
  it("writes one JSON object per line, filters by level and redacts secret-looking fields", () => {
    const lines: string[] = [];
    const log = jsonLogger({ level: "info", write: (l) => lines.push(l), now: () => 0 }).child({
      component: "x",
    });
    log.debug("hidden");
    log.info("hello", {
      deliveryId: "d1",
      clientSecret: "s3cr3t",
      accessToken: "t0k3n",
      authorization: "Bearer x",
    });
    log.error("boom", { error: new Error("bad") });
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    expect(first).toEqual({
      time: "1970-01-01T00:00:00.000Z",
      level: "info",
      msg: "hello",
      component: "x",
      deliveryId: "d1",
      clientSecret: "[redacted]",
      accessToken: "[redacted]",
      authorization: "[redacted]",
    });
    expect(lines.join("\n")).not.toMatch(/s3cr3t|t0k3n|Bearer x/);
    expect(JSON.parse(lines[1]!).error).toBe("bad");
  });

  it("caps every field, nested ones and the message: a 200 KB reason never makes a 200 KB line", () => {
    const lines: string[] = [];
    const log = jsonLogger({ level: "info", write: (l) => lines.push(l), now: () => 0 });
    const huge = "r".repeat(200_000);
    log.warn(huge, { reason: huge, output: { nested: huge }, error: new Error(huge), small: "ok", n: 7 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(5 * (MAX_FIELD_CHARS + 50));
    const entry = JSON.parse(lines[0]!);
    expect(entry.reason).toBe(`${"r".repeat(MAX_FIELD_CHARS)}…[${200_000 - MAX_FIELD_CHARS} more chars]`);
    expect(entry.msg.length).toBeLessThan(MAX_FIELD_CHARS + 50);
    expect(typeof entry.output).toBe("string");
    expect(entry.error.length).toBeLessThan(MAX_FIELD_CHARS + 50);
    expect(entry).toMatchObject({ small: "ok", n: 7 });
  });

  it("writes each member once, in order: time, level, msg, the logger's fields, the call's", () => {
    const lines: string[] = [];
    const root = jsonLogger({
      level: "debug",
      write: (l) => lines.push(l),
      now: () => 1_700_000_000_123,
      base: { service: "taskgate", gone: undefined },
    });
    const child = root.child({ deliveryId: "d1", taskId: null }).child({ attempt: 2 });
    child.info("plain", { status: 200, extra: { a: [1, "x"] }, skipped: undefined });
    child.info("replaces", { taskId: "t9", service: "other", msg: "theirs" });
    root.warn("no fields");
    root.error('quote " and \\ and \u2028');
    const expected = [
      {
        time: "2023-11-14T22:13:20.123Z",
        level: "info",
        msg: "plain",
        service: "taskgate",
        deliveryId: "d1",
        taskId: null,
        attempt: 2,
        status: 200,
        extra: { a: [1, "x"] },
      },
      // Same-named fields keep their place and take the call's value, as one object would.
      {
        time: "2023-11-14T22:13:20.123Z",
        level: "info",
        msg: "theirs",
        service: "other",
        deliveryId: "d1",
        taskId: "t9",
        attempt: 2,
      },
      { time: "2023-11-14T22:13:20.123Z", level: "warn", msg: "no fields", service: "taskgate" },
      {
        time: "2023-11-14T22:13:20.123Z",
        level: "error",
        msg: 'quote " and \\ and \u2028',
        service: "taskgate",
      },
    ];
    // Byte for byte what JSON.stringify writes for each object: no member twice, none moved.
    expect(lines).toEqual(expected.map((e) => JSON.stringify(e)));
  });
});
