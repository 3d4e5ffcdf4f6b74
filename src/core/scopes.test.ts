import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES, grants, SCOPES, scopesFromClaim } from "./scopes.js";

describe("scopes", () => {
  it("defaults to every scope but admin", () => {
    expect(DEFAULT_SCOPES).toEqual([
      "waits",
      "approvals",
      "deliveries:read",
      "deliveries:replay",
      "audit:read",
    ]);
    expect(SCOPES).toContain("admin");
  });

  it("grants a held scope, every scope to admin, and nothing else", () => {
    expect(grants(["waits"], "waits")).toBe(true);
    expect(grants(["waits"], "approvals")).toBe(false);
    expect(grants(["waits"], "admin")).toBe(false);
    expect(grants(["admin"], "deliveries:replay")).toBe(true);
    expect(grants(DEFAULT_SCOPES, "admin")).toBe(false);
    expect(grants([], "waits")).toBe(false);
  });

  it("reads a claim as a list or a space-separated string, keeping known names once", () => {
    expect(scopesFromClaim("waits  approvals other waits")).toEqual(["waits", "approvals"]);
    expect(scopesFromClaim(["deliveries:read", 3, "admin"])).toEqual(["deliveries:read", "admin"]);
    expect(scopesFromClaim(undefined)).toEqual([]);
    expect(scopesFromClaim({ waits: true })).toEqual([]);
  });
});
