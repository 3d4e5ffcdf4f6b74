import { describe, expect, it } from "vitest";
import { loggablePath } from "./on-error.js";

describe("loggablePath", () => {
  it.each([
    ["/a/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "/a/<token>"],
    ["/v1/callbacks/eyJ.eyJ.sig", "/v1/callbacks/<token>"],
    ["/a/assets/page.css", "/a/<token>/page.css"],
    ["/v1/waits/0197", "/v1/waits/0197"],
    ["/hooks/github", "/hooks/github"],
  ])("%s → %s", (path, logged) => {
    expect(loggablePath(path)).toBe(logged);
  });
});
