import { describe, expect, it } from "vitest";
import { bodySnippet, parseCdfErrorMessage } from "./error-body.js";

describe("parseCdfErrorMessage", () => {
  it("reads the documented envelope", () => {
    const body = JSON.stringify({ error: { code: 400, message: "`null` values aren't allowed." } });
    expect(parseCdfErrorMessage(400, "Bad Request", body)).toBe("`null` values aren't allowed.");
  });

  it("names missing and duplicated items", () => {
    const body = JSON.stringify({
      error: { code: 400, message: "Not found", missing: [{ id: "t1" }], duplicated: [{ externalId: "x" }] },
    });
    expect(parseCdfErrorMessage(400, "", body)).toBe(
      'Not found (missing: [{"id":"t1"}]) (duplicated: [{"externalId":"x"}])',
    );
  });

  it('reads {"error": "<string>"}', () => {
    expect(parseCdfErrorMessage(401, "", '{"error":"Could not authenticate."}')).toBe(
      "Could not authenticate.",
    );
  });

  it("uses a trimmed, tag-free snippet of a body that is not JSON", () => {
    const html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>";
    expect(parseCdfErrorMessage(502, "Bad Gateway", html)).toBe("502 Bad Gateway nginx");
  });

  it("caps a long body", () => {
    const message = parseCdfErrorMessage(500, "", "x".repeat(10_000));
    expect(message.length).toBeLessThanOrEqual(301);
    expect(message.endsWith("…")).toBe(true);
  });

  it("falls back to the status text, then the status", () => {
    expect(parseCdfErrorMessage(503, "Service Unavailable", "   ")).toBe("Service Unavailable");
    expect(parseCdfErrorMessage(503, "", "")).toBe("HTTP 503");
  });

  it("keeps JSON that is not an envelope readable", () => {
    expect(parseCdfErrorMessage(500, "", '{"message":"upstream down"}')).toBe("upstream down");
    expect(parseCdfErrorMessage(500, "", '{"error":{"code":500}}')).toBe('{"error":{"code":500}}');
  });
});

describe("bodySnippet", () => {
  it("collapses whitespace", () => {
    expect(bodySnippet("  a\n\n b\t c ")).toBe("a b c");
  });
});
