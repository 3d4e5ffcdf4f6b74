import type { WebhookRequest } from "./types.js";

type HeaderBag = WebhookRequest["headers"];

/**
 * One header's value, by lower-case name. A `Headers` object already joins repeated headers with
 * ", "; a plain record is expected to use lower-case names but is searched case-insensitively so
 * a caller's capitalisation cannot turn into a missing header.
 */
export function getHeader(headers: HeaderBag, name: string): string | undefined {
  if (isHeaders(headers)) return headers.get(name) ?? undefined;
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) return headers[key];
  }
  return undefined;
}

/** Every header as [lower-case name, value], for schemes with numbered headers (DocuSign). */
export function headerEntries(headers: HeaderBag): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (isHeaders(headers)) {
    headers.forEach((value, key) => {
      out.push([key.toLowerCase(), value]);
    });
  } else {
    for (const key of Object.keys(headers)) out.push([key.toLowerCase(), headers[key]!]);
  }
  return out;
}

function isHeaders(headers: HeaderBag): headers is Headers {
  return typeof (headers as Headers).get === "function" && typeof (headers as Headers).forEach === "function";
}
