import { describe, expect, it } from "vitest";
import {
  type Block,
  type Inline,
  MAX_INLINE_DEPTH,
  MAX_MARKDOWN_LENGTH,
  parseMarkdownLite,
  safeHref,
} from "./parse.js";

const text = (t: string): Inline => ({ type: "text", text: t });

/** The inline children of a single-paragraph document. */
function inline(source: string): Inline[] {
  const blocks = parseMarkdownLite(source);
  expect(blocks).toHaveLength(1);
  const [block] = blocks;
  if (block?.type !== "paragraph") throw new Error(`expected a paragraph, got ${JSON.stringify(block)}`);
  return block.children;
}

/** Every link href anywhere in the tree. */
function hrefs(blocks: Block[]): string[] {
  const found: string[] = [];
  const walk = (nodes: readonly Inline[]) => {
    for (const n of nodes) {
      if (n.type === "link") found.push(n.href);
      if (n.type === "link" || n.type === "em" || n.type === "strong") walk(n.children);
    }
  };
  for (const b of blocks) {
    if (b.type === "paragraph") walk(b.children);
    else for (const item of b.items) walk(item);
  }
  return found;
}

function maxDepth(nodes: readonly Inline[]): number {
  let max = 0;
  for (const n of nodes) {
    if (n.type === "link" || n.type === "em" || n.type === "strong")
      max = Math.max(max, 1 + maxDepth(n.children));
  }
  return max;
}

/** Concatenated text of the tree, to check nothing was lost. */
function plain(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case "text":
        case "code":
          return n.text;
        case "break":
          return "\n";
        default:
          return plain(n.children);
      }
    })
    .join("");
}

describe("parseMarkdownLite blocks", () => {
  it("returns nothing for empty or blank input", () => {
    expect(parseMarkdownLite("")).toEqual([]);
    expect(parseMarkdownLite(" \n\t\n  ")).toEqual([]);
  });

  it("splits paragraphs on blank lines and keeps line breaks inside one", () => {
    expect(parseMarkdownLite("one\ntwo\r\nthree\n\n  four  ")).toEqual([
      {
        type: "paragraph",
        children: [text("one"), { type: "break" }, text("two"), { type: "break" }, text("three")],
      },
      { type: "paragraph", children: [text("four")] },
    ]);
  });

  it("parses bullet lists with - and *, and numbered lists with their start", () => {
    expect(parseMarkdownLite("- a\n* b\n\n3. c\n4. d")).toEqual([
      { type: "bullet_list", items: [[text("a")], [text("b")]] },
      { type: "ordered_list", start: 3, items: [[text("c")], [text("d")]] },
    ]);
  });

  it("lets a list interrupt a paragraph and an unindented line end a list", () => {
    expect(parseMarkdownLite("Check:\n- a\n- b\n  more about b\nThanks")).toEqual([
      { type: "paragraph", children: [text("Check:")] },
      { type: "bullet_list", items: [[text("a")], [text("b"), { type: "break" }, text("more about b")]] },
      { type: "paragraph", children: [text("Thanks")] },
    ]);
  });

  it("starts a new list when the kind of marker changes", () => {
    expect(parseMarkdownLite("- a\n1. b").map((b) => b.type)).toEqual(["bullet_list", "ordered_list"]);
  });

  it("does not take emphasis, bare markers or big numbers for list items", () => {
    expect(parseMarkdownLite("*not a list*")[0]?.type).toBe("paragraph");
    expect(parseMarkdownLite("-")[0]?.type).toBe("paragraph");
    expect(parseMarkdownLite("-no space")[0]?.type).toBe("paragraph");
    expect(parseMarkdownLite("1234567890. too long")[0]?.type).toBe("paragraph");
    expect(parseMarkdownLite("1) other style")[0]?.type).toBe("paragraph");
  });

  it("keeps headings, quotes and rules as literal text", () => {
    expect(inline("# Title")).toEqual([text("# Title")]);
    expect(inline("> quoted")).toEqual([text("> quoted")]);
  });
});

describe("parseMarkdownLite inline", () => {
  it("parses strong, em (both markers) and code", () => {
    expect(inline("a **b** *c* _d_ `e`")).toEqual([
      text("a "),
      { type: "strong", children: [text("b")] },
      text(" "),
      { type: "em", children: [text("c")] },
      text(" "),
      { type: "em", children: [text("d")] },
      text(" "),
      { type: "code", text: "e" },
    ]);
  });

  it("nests emphasis", () => {
    expect(inline("**bold *and em***")).toEqual([
      { type: "strong", children: [text("bold "), { type: "em", children: [text("and em")] }] },
    ]);
    expect(inline("***both***")).toEqual([
      { type: "em", children: [{ type: "strong", children: [text("both")] }] },
    ]);
  });

  it("leaves unclosed or unmatched markers as literal text", () => {
    expect(inline("**unclosed")).toEqual([text("**unclosed")]);
    expect(inline("*a **b")).toEqual([text("*a **b")]);
    expect(inline("`unclosed code")).toEqual([text("`unclosed code")]);
    expect(inline("**a*")).toEqual([text("*"), { type: "em", children: [text("a")] }]);
    expect(inline("2 * 3 * 4")).toEqual([text("2 * 3 * 4")]);
    expect(inline("*a _b* c_")).toEqual([{ type: "em", children: [text("a _b")] }, text(" c_")]);
  });

  it("does not treat underscores inside words as emphasis", () => {
    expect(inline("set task_external_id and __init__")).toEqual([
      text("set task_external_id and "),
      { type: "strong", children: [text("init")] },
    ]);
    expect(inline("snake_case_name")).toEqual([text("snake_case_name")]);
  });

  it("keeps code spans verbatim, markers and HTML included", () => {
    expect(inline("`` a ` *b* <i> ``")).toEqual([{ type: "code", text: "a ` *b* <i>" }]);
  });

  it("honours backslash escapes", () => {
    expect(inline("\\*not em\\* \\[x](https://a.example) \\`")).toEqual([
      text("*not em* [x](https://a.example) `"),
    ]);
  });

  it("keeps raw HTML as literal text", () => {
    const source = '<script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:x">y</a>';
    expect(inline(source)).toEqual([text(source)]);
  });

  it("makes links of http and https URLs only", () => {
    expect(inline("see [the docs](https://example.com/a?b=1#c) or [plain](http://example.com)")).toEqual([
      text("see "),
      { type: "link", href: "https://example.com/a?b=1#c", children: [text("the docs")] },
      text(" or "),
      { type: "link", href: "http://example.com/", children: [text("plain")] },
    ]);
  });

  it.each([
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    "[x](/relative/path)",
    "[x](//evil.example/)",
    "[x](mailto:a@example.com)",
    "[x](https://user:pass@evil.example/)",
    "[x](https://bank.example@evil.example/)",
    "[x](https://)",
  ])("renders %s as plain text", (source) => {
    const blocks = parseMarkdownLite(source);
    expect(hrefs(blocks)).toEqual([]);
    expect(inline(source)).toEqual([text(source)]);
  });

  it("does not make links with spaces in the URL, nested brackets or no URL", () => {
    for (const source of [
      "[x](https://a.example/ b)",
      "[a [b]](https://a.example)",
      "[x] (https://a.example)",
    ]) {
      expect(hrefs(parseMarkdownLite(source))).toEqual([]);
    }
  });

  it("allows one pair of parentheses in a URL and emphasis in the label", () => {
    expect(inline("[**Foo**](https://en.wikipedia.org/wiki/Foo_(bar)).")).toEqual([
      {
        type: "link",
        href: "https://en.wikipedia.org/wiki/Foo_(bar)",
        children: [{ type: "strong", children: [text("Foo")] }],
      },
      text("."),
    ]);
  });

  it("shows the URL when the label is empty", () => {
    expect(inline("[](https://a.example/x)")).toEqual([
      { type: "link", href: "https://a.example/x", children: [text("https://a.example/x")] },
    ]);
  });

  it("does not nest links", () => {
    const blocks = parseMarkdownLite("[a [b](https://b.example)](https://a.example)");
    expect(hrefs(blocks)).toEqual(["https://b.example/"]);
  });

  it("normalises link URLs so what is shown is what the browser opens", () => {
    expect(hrefs(parseMarkdownLite("[x](HTTPS://Example.COM/a b)"))).toEqual([]);
    expect(hrefs(parseMarkdownLite("[x](HTTPS://Example.COM/%7Ea)"))).toEqual(["https://example.com/%7Ea"]);
  });

  it("replaces NUL characters", () => {
    expect(inline("a\u0000b")).toEqual([text("a\uFFFDb")]);
  });
});

describe("safeHref", () => {
  it("accepts http(s) and refuses everything else", () => {
    expect(safeHref("https://example.com")).toBe("https://example.com/");
    expect(safeHref(" https://example.com")).toBeNull();
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("https://a:b@example.com")).toBeNull();
    expect(safeHref("ftp://example.com")).toBeNull();
  });
});

describe("parseMarkdownLite limits", () => {
  it("cuts input longer than the limit and says so with an ellipsis", () => {
    const blocks = parseMarkdownLite("a".repeat(MAX_MARKDOWN_LENGTH + 500));
    const children = blocks[0]?.type === "paragraph" ? blocks[0].children : [];
    expect(plain(children)).toBe(`${"a".repeat(MAX_MARKDOWN_LENGTH)}…`);
  });

  it("does not split a surrogate pair when cutting", () => {
    const source = `${"a".repeat(MAX_MARKDOWN_LENGTH - 1)}😀tail`;
    const blocks = parseMarkdownLite(source);
    const children = blocks[0]?.type === "paragraph" ? blocks[0].children : [];
    expect(plain(children)).toBe(`${"a".repeat(MAX_MARKDOWN_LENGTH - 1)}…`);
  });

  it("caps emphasis nesting depth", () => {
    const deep = `${"*_".repeat(50)}x${"_*".repeat(50)}`;
    const children = inline(deep);
    expect(maxDepth(children)).toBeLessThanOrEqual(MAX_INLINE_DEPTH);
    expect(plain(children)).toContain("x");
    expect(maxDepth(inline(`${"**".repeat(20)}x${"**".repeat(20)}`))).toBeLessThanOrEqual(MAX_INLINE_DEPTH);
  });

  it.each([
    ["emphasis markers", "*_".repeat(6000)],
    ["unclosed openers", "*a ".repeat(4000)],
    ["openers then closers", `${"*a ".repeat(1600)}x${" a*".repeat(1600)}`],
    ["brackets", "[".repeat(12_000)],
    ["half links", "[a](".repeat(3000)],
    ["links without end", "[a](https://a.example/".repeat(600)],
    [
      "backtick runs of growing length",
      Array.from({ length: 140 }, (_, i) => `${"`".repeat(i + 1)}x`).join(""),
    ],
    ["backticks", "`".repeat(12_000)],
    ["escapes", "\\".repeat(12_000)],
    ["list lines", "- a\n".repeat(3000)],
    ["line breaks", "\n".repeat(12_000)],
  ])("parses hostile input quickly: %s", (_name, source) => {
    const started = performance.now();
    const blocks = parseMarkdownLite(source);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(Array.isArray(blocks)).toBe(true);
  });

  it("never loses text: every input character survives as text, code or markup", () => {
    const source = "a *b* **c** `d` _e_ [f](https://g.example) h\\*";
    const children = inline(source);
    expect(plain(children)).toBe("a b c d e f h*");
  });
});
