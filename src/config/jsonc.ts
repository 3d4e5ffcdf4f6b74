import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";

export type JsoncParseResult =
  | { ok: true; value: unknown }
  | { ok: false; line: number; column: number; message: string };

/** What each of the parser's error codes (by name: the enum is `const`) means to a person editing the file. */
const MESSAGES: Record<string, string> = {
  InvalidSymbol: "unexpected character (is a ',' or a quote missing?)",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value (an object, list, string, number, true, false or null)",
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' or the end of the object or list",
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the list",
  EndOfFileExpected: "unexpected content after the end of the document",
  InvalidCommentToken: "invalid comment",
  UnexpectedEndOfComment: "unterminated block comment",
  UnexpectedEndOfString: "unterminated string (or a line break inside a string)",
  UnexpectedEndOfNumber: "incomplete number",
  InvalidUnicode: "invalid \\u escape in string",
  InvalidEscapeCharacter: "invalid escape sequence in string",
  InvalidCharacter: "control character in string",
};

/**
 * Parses JSON with comments and trailing commas, as editors write config files (VS Code's own
 * parser). On a syntax error, says where (1-based line and column) and what was expected, without
 * quoting the text: a config file may hold secrets, and the message may be logged.
 */
export function parseJsonc(text: string): JsoncParseResult {
  // A byte-order mark becomes a space, so columns on the first line stay those an editor shows.
  const source = text.replace(/^\uFEFF/, " ");
  const errors: ParseError[] = [];
  const value: unknown = parse(source, errors, { allowTrailingComma: true, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return { ok: true, value };
  return { ok: false, ...lineAndColumn(source, first.offset), message: describe(source, errors) };
}

function describe(source: string, errors: ParseError[]): string {
  const first = errors[0]!;
  // A stray character says little alone; the parser's next complaint says what belonged there.
  const names = errors.map((e) => printParseErrorCode(e.error));
  const explained =
    names[0] === "InvalidSymbol" ? (names.find((n) => n !== "InvalidSymbol") ?? names[0]) : names[0]!;
  const message = MESSAGES[explained] ?? "invalid JSON";
  return first.offset >= source.trimEnd().length ? `unexpected end of file: ${message}` : message;
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
