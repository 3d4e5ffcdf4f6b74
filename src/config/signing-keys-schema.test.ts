import { describe, expect, it } from "vitest";
import { type Doc, edit, minimal, problemsOf } from "../../test/support/config-documents.js";
import { envRef as ref } from "./interpolate.js";
import type { ConfigProblem } from "./parse.js";

describe("config: signingKeys", () => {
  const SECRET_FIX = 'use a random secret of at least 32 characters, e.g. from "openssl rand -base64 48"';

  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "missing signing key secret",
      edit(minimal(), ["signingKeys", 0, "secret"], undefined),
      [
        {
          path: "signingKeys[0].secret",
          message: "missing",
          fix: `add "secret": "${ref("TASKGATE_SIGNING_SECRET")}"`,
        },
      ],
    ],
    [
      "too short secret",
      edit(minimal(), ["signingKeys", 0, "secret"], ref("SHORT")),
      [{ path: "signingKeys[0].secret", message: "too short (12 characters, at least 32)", fix: SECRET_FIX }],
    ],
    [
      "no signing keys",
      edit(minimal(), ["signingKeys"], []),
      [
        {
          path: "signingKeys",
          message: "empty list (at least 1)",
          fix: `add a key: {"kid": "2026-01", "secret": "${ref("TASKGATE_SIGNING_SECRET")}"}; ${SECRET_FIX}`,
        },
      ],
    ],
    [
      "signing keys as an object",
      edit(minimal(), ["signingKeys"], { kid: "k", secret: "s" }),
      [
        {
          path: "signingKeys",
          message: "expected a list, got an object",
          fix: `write it like "signingKeys": [{"kid": "2026-01", "secret": "${ref("TASKGATE_SIGNING_SECRET")}"}]`,
        },
      ],
    ],
    [
      "duplicate kids",
      edit(minimal(), ["signingKeys", 1], { kid: "k1", secret: ref("SIGNING") }),
      [
        {
          path: "signingKeys[1].kid",
          message: "duplicate kid (entry [0] has the same)",
          fix: "give every signing key its own kid",
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
