import * as z from "zod";
import { nonEmpty, uniqueBy } from "./field-schemas.js";
import { hint } from "./hints.js";
import { envRef } from "./interpolate.js";

const SECRET_FIX = 'use a random secret of at least 32 characters, e.g. from "openssl rand -base64 48"';

/** One key that signs callback and approval links; `kid` names it in the token. */
const SigningKeySchema = z.strictObject({
  kid: nonEmpty('"2026-01"', 'name the key, e.g. "2026-01"'),
  secret: hint(z.string().min(32), { example: `"${envRef("TASKGATE_SIGNING_SECRET")}"`, fix: SECRET_FIX }),
});

/** The first key signs; every key verifies, so keys can be rotated without breaking links. */
export const SigningKeysSchema = hint(
  z.array(SigningKeySchema).min(1).superRefine(uniqueBy("kid", "give every signing key its own kid")),
  {
    example: `[{"kid": "2026-01", "secret": "${envRef("TASKGATE_SIGNING_SECRET")}"}]`,
    fix: `add a key: {"kid": "2026-01", "secret": "${envRef("TASKGATE_SIGNING_SECRET")}"}; ${SECRET_FIX}`,
  },
);
