import { describe, expect, it } from "vitest";
import { PAGE_CSP, PAGE_CSS_HEADERS, PAGE_HEADERS } from "./headers.js";
import { PAGE_CSS, PAGE_CSS_PATH } from "./styles.js";

describe("page headers", () => {
  it("forbid caching, framing, referrers, sniffing and indexing", () => {
    expect(PAGE_HEADERS).toMatchObject({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Cross-Origin-Opener-Policy": "same-origin",
      "X-Robots-Tag": "noindex, nofollow",
    });
    expect(PAGE_HEADERS["Permissions-Policy"]).toContain("camera=()");
    expect(PAGE_HEADERS["Permissions-Policy"]).toContain("microphone=()");
    expect(PAGE_HEADERS["Permissions-Policy"]).toContain("geolocation=()");
  });

  it("send a CSP that allows no script and styles only from our origin", () => {
    expect(PAGE_HEADERS["Content-Security-Policy"]).toBe(PAGE_CSP);
    expect(PAGE_CSP).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(PAGE_CSP).not.toContain("unsafe");
    expect(PAGE_CSP).not.toContain("script-src");
  });

  it("let the stylesheet be cached for an hour as CSS", () => {
    expect(PAGE_CSS_HEADERS).toMatchObject({
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": "public, max-age=3600",
      "X-Content-Type-Options": "nosniff",
    });
  });
});

describe("page stylesheet", () => {
  it("is served from a fixed path under /a/", () => {
    expect(PAGE_CSS_PATH).toBe("/a/assets/page.css");
  });

  it("has visible focus, no imports or external URLs, and balanced braces", () => {
    expect(PAGE_CSS).toContain(":focus-visible");
    expect(PAGE_CSS).not.toMatch(/@import|url\(|expression\(|<\//i);
    const open = PAGE_CSS.split("{").length;
    expect(PAGE_CSS.split("}").length).toBe(open);
  });
});
