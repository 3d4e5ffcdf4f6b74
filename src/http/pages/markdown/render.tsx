/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * Renders a markdown-lite tree (parse.ts beside this file) as JSX. Every string goes through
 * hono/jsx's escaping; links carry only the http(s) hrefs the parser let through, and tell the
 * browser not to send a Referer or give the target page a handle on ours.
 */

import type { Child, FC } from "hono/jsx";
import { type Block, type Inline, parseMarkdownLite } from "./parse.js";

export const Markdown: FC<{ source: string }> = ({ source }) => (
  <>{parseMarkdownLite(source).map(renderBlock)}</>
);

function renderBlock(block: Block): Child {
  switch (block.type) {
    case "paragraph":
      return <p>{renderInlines(block.children)}</p>;
    case "bullet_list":
      return (
        <ul>
          {block.items.map((item) => (
            <li>{renderInlines(item)}</li>
          ))}
        </ul>
      );
    case "ordered_list":
      return (
        <ol start={block.start === 1 ? undefined : block.start}>
          {block.items.map((item) => (
            <li>{renderInlines(item)}</li>
          ))}
        </ol>
      );
  }
}

/** Depth is bounded by the parser (MAX_INLINE_DEPTH), so this recursion stays shallow. */
function renderInlines(nodes: readonly Inline[]): Child[] {
  return nodes.map(renderInline);
}

function renderInline(node: Inline): Child {
  switch (node.type) {
    case "text":
      return node.text;
    case "break":
      return <br />;
    case "code":
      return <code>{node.text}</code>;
    case "strong":
      return <strong>{renderInlines(node.children)}</strong>;
    case "em":
      return <em>{renderInlines(node.children)}</em>;
    case "link":
      return (
        <a href={node.href} rel="noopener noreferrer nofollow">
          {renderInlines(node.children)}
        </a>
      );
  }
}
