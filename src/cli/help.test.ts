import { describe, expect, it } from "vitest";
import { SCHEMES } from "../core/signatures/registry.js";
import { COMMAND_HELP, helpText } from "./help.js";
import { samplesFor } from "./sample-events.js";

describe("taskgate help", () => {
  it("has usage, options and an example for every command, each example running that command", () => {
    for (const [name, help] of Object.entries(COMMAND_HELP)) {
      const text = helpText(name)!;
      expect(text.startsWith(`Usage: taskgate ${name}`), name).toBe(true);
      expect(text, name).toContain(`Example:\n  taskgate ${name}`);
      if (help.options.length > 0) expect(text, name).toContain("Options:\n");
    }
  });

  it("lists every command in the overall usage, and knows no others", () => {
    const usage = helpText()!;
    for (const name of Object.keys(COMMAND_HELP)) expect(usage).toContain(`taskgate ${name}`);
    expect(helpText("frobnicate")).toBeUndefined();
  });

  it("help send lists the bundled events of every scheme", () => {
    const text = helpText("send")!;
    const tail = text.slice(text.indexOf("Sample events, by the source's verify.scheme:"));
    for (const { name } of SCHEMES) {
      const line = tail.split("\n").find((l) => l.trim().split(":")[0]!.split(", ").includes(name));
      expect(line, name).toBeDefined();
      for (const event of samplesFor(name)) expect(line, name).toContain(event.name);
    }
  });
});
