import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { openApiPath } from "../../src/http/openapi/document.js";
import type { OpenApiDocument } from "../../src/http/openapi/document-types.js";

/** ajv-formats is CommonJS with a default export; under NodeNext its type is the module. */
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

const BASE = "https://taskgate.test/openapi.json";

/**
 * Checks real responses against the OpenAPI document with a JSON Schema 2020-12 validator: the
 * status must be documented for the route, and a JSON body must match that status's schema.
 */
export function responseChecker(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: BASE });
  return async (method: string, honoPath: string, res: Response): Promise<string[]> => {
    const path = openApiPath(honoPath);
    const op = doc.paths[path]?.[method.toLowerCase() as "get"];
    if (!op) return [`${method} ${path} is not in the document`];
    const documented = op.responses[String(res.status)];
    if (!documented) return [`${method} ${path} answered ${res.status}, which is not documented`];
    const media = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    if (!documented.content?.[media])
      return [`${method} ${path} ${res.status} answered ${media}, not documented`];
    if (media !== "application/json") return [];
    const pointer = `/paths/${pointerSegment(path)}/${method.toLowerCase()}/responses/${res.status}/content/application~1json/schema`;
    const validate = ajv.getSchema(encodeURI(`${BASE}#${pointer}`));
    if (!validate) return [`no schema at ${pointer}`];
    const body: unknown = await res.clone().json();
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${method} ${path} ${res.status}: ${e.instancePath || "/"} ${e.message}`,
    );
  };
}

function pointerSegment(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
