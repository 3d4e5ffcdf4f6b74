/**
 * JSON with comments (`//`, `/* *\/`) and trailing commas, as editors write config files.
 * Comments and trailing commas become spaces rather than being removed, so every offset, line and
 * column of the stripped text is the same as in the original and errors point at the real spot.
 */
export function stripJsonc(text: string): string {
  const out: string[] = [];
  let pendingComma = -1; // index in `out` of a comma that is trailing if a '}' or ']' comes next
  let previous = ""; // the last significant character written
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      out.push(text.slice(i, end));
      pendingComma = -1;
      previous = '"';
      i = end;
    } else if (c === "/" && next === "/") {
      let end = i;
      while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
      out.push(blank(text.slice(i, end)));
      i = end;
    } else if (c === "/" && next === "*") {
      const close = text.indexOf("*/", i + 2);
      if (close === -1) {
        // Unterminated: leave it for the JSON parser to report where it starts.
        out.push(text.slice(i));
        break;
      }
      out.push(blank(text.slice(i, close + 2)));
      i = close + 2;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      out.push(c);
      i++;
    } else {
      if ((c === "}" || c === "]") && pendingComma !== -1) out[pendingComma] = " ";
      // A comma right after '[', '{' or another comma is an error, not a trailing comma.
      pendingComma = c === "," && previous !== "" && !"[{,".includes(previous) ? out.length : -1;
      out.push(c);
      previous = c;
      i++;
    }
  }
  return out.join("");
}

/** Index just past the string starting at `start` (or where it breaks off, for the parser to report). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else if (c === "\n" || c === "\r") return i;
    else i++;
  }
  return Math.min(i, text.length);
}

function blank(comment: string): string {
  return comment.replace(/[^\r\n]/g, " ");
}

export type JsoncParseResult =
  | { ok: true; value: unknown }
  | { ok: false; line: number; column: number; message: string };

/**
 * Parses JSONC. On a syntax error, says where (1-based line and column) and what was expected,
 * without quoting the text: a config file may hold secrets, and the message may be logged.
 */
export function parseJsonc(text: string): JsoncParseResult {
  const stripped = stripJsonc(text.replace(/^\uFEFF/, " "));
  try {
    return { ok: true, value: JSON.parse(stripped) };
  } catch {
    const error = findJsonError(stripped) ?? { offset: stripped.length, message: "invalid JSON" };
    return { ok: false, ...lineAndColumn(stripped, error.offset), message: error.message };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n" || (text[i] === "\r" && text[i + 1] !== "\n")) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const LITERAL = /true|false|null/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/**
 * Locates the first syntax error of strict JSON. Used only after `JSON.parse` failed, because
 * V8's messages quote the input and often carry no position.
 */
export function findJsonError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(at, at >= text.length ? "unexpected end of file" : message);
  };
  const skipWhitespace = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const expect = (c: string, message: string) => {
    skipWhitespace();
    if (text[i] !== c) fail(message);
    i++;
  };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail("invalid escape sequence in string");
      } else if (c < " ") {
        fail(
          c === "\n" || c === "\r"
            ? "unterminated string (a line break inside a string)"
            : "control character in string",
        );
      } else i++;
    }
    fail("unterminated string", start);
  };
  const value = (): void => {
    skipWhitespace();
    const c = text[i];
    if (c === "{") {
      i++;
      skipWhitespace();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[i] !== '"') fail("expected a property name in double quotes");
        string();
        expect(":", "expected ':' after the property name");
        value();
        skipWhitespace();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail("expected ',' or '}' after a property value");
      }
    }
    if (c === "[") {
      i++;
      skipWhitespace();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        skipWhitespace();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail("expected ',' or ']' after a list entry");
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const token of [LITERAL, NUMBER]) {
      token.lastIndex = i;
      const match = token.exec(text);
      if (match) {
        i += match[0].length;
        return;
      }
    }
    fail("expected a value (an object, list, string, number, true, false or null)");
  };
  try {
    value();
    skipWhitespace();
    if (i < text.length) fail("unexpected content after the end of the document");
    return undefined;
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { offset: err.offset, message: err.message };
    throw err;
  }
}
