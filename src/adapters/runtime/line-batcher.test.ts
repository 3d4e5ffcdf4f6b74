import { describe, expect, it } from "vitest";
import { lineBatcher } from "./line-batcher.js";

/** A batcher whose turns end when the test says so. */
function harness(maxLines?: number) {
  const chunks: string[] = [];
  let pending: (() => void)[] = [];
  const batcher = lineBatcher({
    write: (chunk) => chunks.push(chunk),
    schedule: (flush) => pending.push(flush),
    ...(maxLines !== undefined ? { maxLines } : {}),
  });
  const endTurn = () => {
    const run = pending;
    pending = [];
    for (const f of run) f();
  };
  return { batcher, chunks, endTurn, scheduled: () => pending.length };
}

describe("lineBatcher", () => {
  it("writes a turn's lines in order, in one chunk, when the turn ends", () => {
    const { batcher, chunks, endTurn, scheduled } = harness();
    batcher.write('{"n":1}');
    batcher.write('{"n":2}');
    batcher.write('{"n":3}');
    expect(chunks).toEqual([]);
    expect(scheduled()).toBe(1);
    endTurn();
    expect(chunks).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n']);
  });

  it("schedules again after a flush, and writes nothing for a turn without lines", () => {
    const { batcher, chunks, endTurn, scheduled } = harness();
    batcher.write("a");
    endTurn();
    endTurn();
    expect(scheduled()).toBe(0);
    batcher.write("b");
    expect(scheduled()).toBe(1);
    endTurn();
    expect(chunks).toEqual(["a\n", "b\n"]);
  });

  it("writes at once when maxLines are waiting, so a long turn holds only so many", () => {
    const { batcher, chunks, endTurn } = harness(3);
    for (const line of ["1", "2", "3", "4"]) batcher.write(line);
    expect(chunks).toEqual(["1\n2\n3\n"]);
    endTurn();
    expect(chunks).toEqual(["1\n2\n3\n", "4\n"]);
  });

  it("flush writes what waits now; the turn's end then writes nothing twice", () => {
    const { batcher, chunks, endTurn } = harness();
    batcher.write("started");
    batcher.flush();
    expect(chunks).toEqual(["started\n"]);
    endTurn();
    expect(chunks).toEqual(["started\n"]);
  });

  it("a destination that throws loses that chunk only", () => {
    const written: string[] = [];
    let fail = true;
    const pending: (() => void)[] = [];
    const batcher = lineBatcher({
      write: (chunk) => {
        if (fail) throw new Error("EPIPE");
        written.push(chunk);
      },
      schedule: (flush) => pending.push(flush),
    });
    batcher.write("lost");
    expect(() => pending.shift()!()).toThrow("EPIPE");
    fail = false;
    batcher.write("kept");
    pending.shift()!();
    expect(written).toEqual(["kept\n"]);
  });
});
