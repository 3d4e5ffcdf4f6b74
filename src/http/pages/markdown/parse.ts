/**
 * A tiny Markdown subset for approval descriptions, parsed into a tree that the pages render with
 * hono/jsx. It never produces HTML: raw HTML in the input stays literal text, and the only URLs it
 * keeps are absolute http(s) links without credentials. Work is linear in the input (no regex
 * over user text that could backtrack, no rescans), and input and nesting depth are capped so a
 * hostile description cannot stall a request or overflow the renderer's stack.
 *
 * Blocks: paragraphs (separated by blank lines; every line break inside is kept), bullet lists
 * (`- ` or `* `) and numbered lists (`1. `); an indented line continues the list item above it.
 * Inline: **strong**, *em* / _em_, `code`, [text](https://…) and `\` escapes.
 */

/** Longest description parsed; the rest is cut (the API validates the same limit). */
export const MAX_MARKDOWN_LENGTH = 10_000;

/** Emphasis nested deeper than this stays literal, keeping the rendered tree shallow. */
export const MAX_INLINE_DEPTH = 8;

export type Inline =
  | { type: "text"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "code"; text: string }
  | { type: "link"; href: string; children: Inline[] }
  | { type: "break" };

export type Block =
  | { type: "paragraph"; children: Inline[] }
  | { type: "bullet_list"; items: Inline[][] }
  | { type: "ordered_list"; start: number; items: Inline[][] };

/** Parses a description into blocks; never throws, whatever the input. */
export function parseMarkdownLite(source: string): Block[] {
  const lines = clip(source)
    .replaceAll("\u0000", "\uFFFD")
    .split(/\r\n|\r|\n/);
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; start: number; items: string[][] } | null = null;

  const flush = () => {
    if (paragraph.length > 0) blocks.push({ type: "paragraph", children: parseInline(paragraph.join("\n")) });
    paragraph = [];
    if (list !== null) {
      const items = list.items.map((item) => parseInline(item.join("\n")));
      blocks.push(
        list.ordered ? { type: "ordered_list", start: list.start, items } : { type: "bullet_list", items },
      );
    }
    list = null;
  };

  for (const line of lines) {
    const content = line.trim();
    if (content === "") {
      flush();
      continue;
    }
    const marker = listMarker(line);
    if (marker !== null) {
      if (list === null || list.ordered !== marker.ordered || paragraph.length > 0) {
        flush();
        list = { ordered: marker.ordered, start: marker.start, items: [] };
      }
      list.items.push([marker.content]);
      continue;
    }
    const lastItem = list?.items.at(-1);
    if (lastItem !== undefined && isIndented(line)) {
      lastItem.push(content);
      continue;
    }
    if (list !== null) flush();
    paragraph.push(content);
  }
  flush();
  return blocks;
}

/** Cuts overlong input without splitting a surrogate pair, and says that it did. */
function clip(source: string): string {
  if (source.length <= MAX_MARKDOWN_LENGTH) return source;
  let end = MAX_MARKDOWN_LENGTH;
  const last = source.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${source.slice(0, end)}…`;
}

function isIndented(line: string): boolean {
  return line.startsWith(" ") || line.startsWith("\t");
}

/** `- x`, `* x` or `12. x` (any indentation), read by hand rather than by regex. */
function listMarker(line: string): { ordered: boolean; start: number; content: string } | null {
  let i = 0;
  while (i < line.length && (line[i] === " " || line[i] === "\t")) i += 1;
  const first = line[i];
  let ordered = false;
  let start = 1;
  if (first === "-" || first === "*") {
    i += 1;
  } else {
    const digitsFrom = i;
    while (i < line.length && i - digitsFrom < 10 && isDigit(line[i])) i += 1;
    const digits = i - digitsFrom;
    if (digits === 0 || digits > 9 || line[i] !== ".") return null;
    ordered = true;
    start = Number(line.slice(digitsFrom, i));
    i += 1;
  }
  if (line[i] !== " " && line[i] !== "\t") return null;
  const content = line.slice(i).trim();
  return content === "" ? null : { ordered, start, content };
}

/** A working node: `depth` is how deeply emphasis/links nest inside it (text is 0). */
interface Work {
  node: Inline;
  depth: number;
}

/** An unmatched run of `*` or `_` that may still open emphasis; `at` indexes its placeholder. */
interface Opener {
  char: "*" | "_";
  count: number;
  at: number;
}

/**
 * Left-to-right scan with a delimiter stack, in the spirit of CommonMark but smaller: a closing
 * run matches the nearest opening run of the same character, taking two characters (strong) when
 * both have two, else one (em). Unmatched runs stay literal text. Openers passed over by a match
 * are dropped, so each is examined a bounded number of times.
 */
function parseInline(source: string, allowLinks = true): Inline[] {
  const out: Work[] = [];
  const stack: Opener[] = [];
  const open = { "*": 0, _: 0 };
  const noCloser = new Set<number>();
  const links = allowLinks ? new LinkFinder(source) : null;
  let text = "";

  const flushText = () => {
    if (text !== "") out.push({ node: { type: "text", text }, depth: 0 });
    text = "";
  };
  const dropOpener = (k: number) => {
    const opener = stack[k];
    if (opener !== undefined) open[opener.char] -= 1;
    stack.splice(k, 1);
  };

  /** Closes as much of a run as the openers allow; returns how many characters are left. */
  const close = (char: "*" | "_", count: number): number => {
    let left = count;
    while (left > 0 && open[char] > 0) {
      let k = stack.length - 1;
      while (k >= 0 && stack[k]?.char !== char) k -= 1;
      const opener = stack[k];
      if (opener === undefined) break;
      const used = left >= 2 && opener.count >= 2 ? 2 : 1;
      flushText();
      let depth = 1;
      for (let j = opener.at + 1; j < out.length; j += 1) depth = Math.max(depth, 1 + (out[j]?.depth ?? 0));
      if (depth > MAX_INLINE_DEPTH) {
        // Every opener at or below this one would enclose the same deep node: none can match.
        for (const dropped of stack.splice(0, k + 1)) open[dropped.char] -= 1;
        break;
      }
      const inner = out.slice(opener.at + 1);
      out.length = opener.at + 1;
      const children = merge(inner.map((w) => w.node));
      const wrapped: Work = {
        node: used === 2 ? { type: "strong", children } : { type: "em", children },
        depth,
      };
      // Openers above this one were inside the span: they stay literal text.
      for (let j = stack.length - 1; j > k; j -= 1) dropOpener(j);
      opener.count -= used;
      left -= used;
      const placeholder = out[opener.at];
      if (opener.count === 0) {
        out[opener.at] = wrapped;
        dropOpener(k);
      } else {
        if (placeholder !== undefined) placeholder.node = { type: "text", text: char.repeat(opener.count) };
        out.push(wrapped);
      }
    }
    return left;
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === "\\" && isAsciiPunctuation(source[i + 1])) {
      text += source[i + 1];
      i += 2;
    } else if (c === "\n") {
      flushText();
      out.push({ node: { type: "break" }, depth: 0 });
      i += 1;
    } else if (c === "`") {
      const run = runLength(source, i, "`");
      const end = noCloser.has(run) ? -1 : findBacktickRun(source, i + run, run);
      if (end < 0) {
        noCloser.add(run);
        text += source.slice(i, i + run);
      } else {
        flushText();
        out.push({ node: { type: "code", text: codeText(source.slice(i + run, end)) }, depth: 0 });
      }
      i = end < 0 ? i + run : end + run;
    } else if (c === "[" && links !== null) {
      const link = links.at(i);
      if (link === null) {
        text += c;
        i += 1;
      } else if (link.href === null) {
        text += source.slice(i, link.end);
        i = link.end;
      } else {
        flushText();
        const label = link.label.trim() === "" ? [{ type: "text", text: link.href } as const] : null;
        const children = label ?? parseInline(link.label, false);
        out.push({ node: { type: "link", href: link.href, children }, depth: 1 + inlineDepth(children) });
        i = link.end;
      }
    } else if (c === "*" || c === "_") {
      const run = runLength(source, i, c);
      const before = source[i - 1];
      const after = source[i + run];
      let canOpen = after !== undefined && !isWhitespace(after);
      let canClose = before !== undefined && !isWhitespace(before);
      if (c === "_") {
        // snake_case_names are words, not emphasis.
        if (isWordChar(before)) canOpen = false;
        if (isWordChar(after)) canClose = false;
      }
      const left = canClose ? close(c, run) : run;
      if (left > 0 && canOpen) {
        flushText();
        stack.push({ char: c, count: left, at: out.length });
        open[c] += 1;
        out.push({ node: { type: "text", text: c.repeat(left) }, depth: 0 });
      } else {
        text += c.repeat(left);
      }
      i += run;
    } else {
      text += c;
      i += 1;
    }
  }
  flushText();
  return merge(out.map((w) => w.node));
}

/** Joins adjacent text nodes (placeholders of unmatched runs leave them split). */
function merge(nodes: Inline[]): Inline[] {
  const merged: Inline[] = [];
  for (const node of nodes) {
    const last = merged.at(-1);
    if (node.type === "text" && node.text === "") continue;
    if (node.type === "text" && last?.type === "text")
      merged[merged.length - 1] = { type: "text", text: last.text + node.text };
    else merged.push(node);
  }
  return merged;
}

function inlineDepth(nodes: readonly Inline[]): number {
  let max = 0;
  for (const node of nodes) {
    if (node.type === "strong" || node.type === "em" || node.type === "link")
      max = Math.max(max, 1 + inlineDepth(node.children));
  }
  return max;
}

function runLength(source: string, from: number, char: string): number {
  let i = from;
  while (source[i] === char) i += 1;
  return i - from;
}

/** Start of the next backtick run of exactly `length` at or after `from`, or -1. */
function findBacktickRun(source: string, from: number, length: number): number {
  let i = source.indexOf("`", from);
  while (i >= 0) {
    const run = runLength(source, i, "`");
    if (run === length) return i;
    i = source.indexOf("`", i + run);
  }
  return -1;
}

/** Code spans: line breaks read as spaces, one padding space each side is dropped. */
function codeText(raw: string): string {
  const flat = raw.replaceAll("\n", " ");
  if (flat.length >= 2 && flat.startsWith(" ") && flat.endsWith(" ") && flat.trim() !== "")
    return flat.slice(1, -1);
  return flat;
}

/**
 * Finds `[label](url)` at a `[` in O(1) using next-occurrence tables built once per text.
 * The label may not contain brackets; the url may not contain whitespace and may hold one pair
 * of parentheses (Wikipedia-style). `href` is null when the url is not an allowed link.
 */
class LinkFinder {
  private readonly source: string;
  private readonly nextOpenBracket: Int32Array;
  private readonly nextCloseBracket: Int32Array;
  private readonly nextOpenParen: Int32Array;
  private readonly nextCloseParen: Int32Array;
  private readonly nextSpace: Int32Array;

  constructor(source: string) {
    this.source = source;
    const n = source.length;
    this.nextOpenBracket = new Int32Array(n + 1);
    this.nextCloseBracket = new Int32Array(n + 1);
    this.nextOpenParen = new Int32Array(n + 1);
    this.nextCloseParen = new Int32Array(n + 1);
    this.nextSpace = new Int32Array(n + 1);
    const tables = [
      this.nextOpenBracket,
      this.nextCloseBracket,
      this.nextOpenParen,
      this.nextCloseParen,
      this.nextSpace,
    ];
    for (const t of tables) t[n] = -1;
    // A backslash-escaped bracket or parenthesis is text, not structure.
    const escaped = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) {
      if (source[i] === "\\" && isAsciiPunctuation(source[i + 1])) {
        escaped[i + 1] = 1;
        i += 1;
      }
    }
    for (let i = n - 1; i >= 0; i -= 1) {
      const c = escaped[i] === 1 ? "" : (source[i] ?? "");
      this.nextOpenBracket[i] = c === "[" ? i : (this.nextOpenBracket[i + 1] ?? -1);
      this.nextCloseBracket[i] = c === "]" ? i : (this.nextCloseBracket[i + 1] ?? -1);
      this.nextOpenParen[i] = c === "(" ? i : (this.nextOpenParen[i + 1] ?? -1);
      this.nextCloseParen[i] = c === ")" ? i : (this.nextCloseParen[i + 1] ?? -1);
      this.nextSpace[i] = isWhitespace(c) ? i : (this.nextSpace[i + 1] ?? -1);
    }
  }

  at(start: number): { label: string; href: string | null; end: number } | null {
    const s = this.source;
    const labelEnd = this.next(this.nextCloseBracket, start + 1);
    if (labelEnd < 0) return null;
    const innerOpen = this.next(this.nextOpenBracket, start + 1);
    if (innerOpen >= 0 && innerOpen < labelEnd) return null;
    if (s[labelEnd + 1] !== "(") return null;
    const urlStart = labelEnd + 2;
    let urlEnd = this.next(this.nextCloseParen, urlStart);
    if (urlEnd < 0) return null;
    const paren = this.next(this.nextOpenParen, urlStart);
    if (paren >= 0 && paren < urlEnd) {
      urlEnd = this.next(this.nextCloseParen, urlEnd + 1);
      if (urlEnd < 0) return null;
    }
    const space = this.next(this.nextSpace, urlStart);
    if (space >= 0 && space < urlEnd) return null;
    return {
      label: s.slice(start + 1, labelEnd),
      href: safeHref(s.slice(urlStart, urlEnd)),
      end: urlEnd + 1,
    };
  }

  private next(table: Int32Array, from: number): number {
    return table[from] ?? -1;
  }
}

/** Only absolute http(s) URLs, normalised; no credentials (`https://bank.com@evil.example`). */
export function safeHref(raw: string): string | null {
  const lower = raw.slice(0, 8).toLowerCase();
  if (!lower.startsWith("http://") && !lower.startsWith("https://")) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username !== "" || url.password !== "") return null;
  return url.href;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isWhitespace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v" || c === "\u00a0";
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /^[\p{L}\p{N}]$/u.test(c);
}

function isAsciiPunctuation(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".includes(c);
}
