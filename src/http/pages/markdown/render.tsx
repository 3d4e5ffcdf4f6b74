/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * Renders a markdown-lite tree (parse.ts beside this file) as JSX. Every string goes through
 * hono/jsx's escaping; links carry only the http(s) hrefs the parser let through, and tell the
 * browser not to send a Referer or give the target page a handle on ours.
 */

import type { Child, FC } from "hono/jsx";
import { type Block, type Inline, parseMarkdownLite } from "./parse.js";

/**
 * Inline CSS per element, for mail: mail clients drop or ignore stylesheets, so the mail passes
 * these; the pages pass none (their CSP forbids inline styles; the stylesheet does the work).
 */
export type MarkdownStyles = Partial<Record<"p" | "ul" | "ol" | "li" | "code" | "a", string>>;

export const Markdown: FC<{ source: string; styles?: MarkdownStyles }> = ({ source, styles = {} }) => (
  <>{parseMarkdownLite(source).map((block) => renderBlock(block, styles))}</>
);

function renderBlock(block: Block, s: MarkdownStyles): Child {
  switch (block.type) {
    case "paragraph":
      return <p style={s.p}>{renderInlines(block.children, s)}</p>;
    case "bullet_list":
      return (
        <ul style={s.ul}>
          {block.items.map((item) => (
            <li style={s.li}>{renderInlines(item, s)}</li>
          ))}
        </ul>
      );
    case "ordered_list":
      return (
        <ol style={s.ol} start={block.start === 1 ? undefined : block.start}>
          {block.items.map((item) => (
            <li style={s.li}>{renderInlines(item, s)}</li>
          ))}
        </ol>
      );
  }
}

/** Depth is bounded by the parser (MAX_INLINE_DEPTH), so this recursion stays shallow. */
function renderInlines(nodes: readonly Inline[], s: MarkdownStyles): Child[] {
  return nodes.map((node) => renderInline(node, s));
}

function renderInline(node: Inline, s: MarkdownStyles): Child {
  switch (node.type) {
    case "text":
      return node.text;
    case "break":
      return <br />;
    case "code":
      return <code style={s.code}>{node.text}</code>;
    case "strong":
      return <strong>{renderInlines(node.children, s)}</strong>;
    case "em":
      return <em>{renderInlines(node.children, s)}</em>;
    case "link":
      return (
        <a href={node.href} rel="noopener noreferrer nofollow" style={s.a}>
          {renderInlines(node.children, s)}
        </a>
      );
  }
}
