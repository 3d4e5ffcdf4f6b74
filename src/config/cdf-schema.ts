import * as z from "zod";
import { baseUrl, duration, httpUrl, nonEmpty } from "./field-schemas.js";
import { hint } from "./hints.js";
import { envRef } from "./interpolate.js";

/** How taskgate authenticates to CDF: OAuth client credentials or a fixed token. */
const CdfAuthSchema = hint(
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("client_credentials"),
      tokenUrl: httpUrl("https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"),
      clientId: nonEmpty('"<client id>"'),
      clientSecret: nonEmpty(
        `"${envRef("CDF_CLIENT_SECRET")}"`,
        `set it from the environment: ${envRef("CDF_CLIENT_SECRET")}`,
      ),
      scopes: hint(z.array(z.string().min(1)).min(1), {
        example: '["https://<cluster>.cognitedata.com/.default"]',
        fix: 'list at least one scope, e.g. ["https://<cluster>.cognitedata.com/.default"]',
      }),
    }),
    z.strictObject({
      type: z.literal("token"),
      token: nonEmpty(`"${envRef("CDF_TOKEN")}"`, `set it from the environment: ${envRef("CDF_TOKEN")}`),
    }),
  ]),
  {
    example: `{"type": "client_credentials", "tokenUrl": "...", "clientId": "...", "clientSecret": "${envRef("CDF_CLIENT_SECRET")}", "scopes": ["..."]}`,
  },
);

/** The CDF project that task updates go to. */
export const CdfSchema = hint(
  z.strictObject({
    baseUrl: baseUrl("https://westeurope-1.cognitedata.com", { outbound: true }),
    project: nonEmpty('"<your CDF project>"'),
    auth: CdfAuthSchema,
    appName: hint(z.string().min(1).default("taskgate"), { example: '"taskgate"' }),
    timeout: duration("30s", "the CDF call timeout"),
  }),
  {
    example:
      '{"baseUrl": "https://<cluster>.cognitedata.com", "project": "<your CDF project>", "auth": {"type": "client_credentials", ...}}',
  },
);
