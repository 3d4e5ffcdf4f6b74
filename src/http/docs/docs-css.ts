/**
 * The reference page's only stylesheet, served at `DOCS_CSS_PATH` because the CSP forbids inline
 * styles. Same palette as the approval pages (text ≥ 4.5:1 on its background); methods and
 * statuses are words first, colour second. A sidebar of contents from 64rem up; below, one column
 * with the contents folded at the top, down to 320 px.
 */

export const DOCS_CSS_PATH = "/docs/assets/docs.css";

export const DOCS_CSS = `*,*::before,*::after{box-sizing:border-box}
html{color-scheme:light;-webkit-text-size-adjust:100%;text-size-adjust:100%;scroll-padding-top:1rem}
body{margin:0;background:#f4f5f7;color:#1b1f24;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
a{color:#0b57d0}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em;background:#eef0f3;border-radius:.25rem;padding:.05em .3em}
p,ul,ol,dl{margin:0 0 .625rem}
.skip{position:absolute;left:-999px;top:.5rem;background:#fff;padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem .75rem;padding:.75rem 1rem;background:#1b1f24;color:#fff}
.brand{font-weight:700;font-size:1.125rem}
.top-title{color:#d5d9df}
.top-version{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem;color:#d5d9df;border:1px solid #6b7280;border-radius:1rem;padding:0 .5rem}
.top-json{margin-left:auto;color:#a8c7fa}
.layout{max-width:84rem;margin:0 auto}
main{padding:.75rem;min-width:0}
.toc{display:none}
.toc-groups,.toc-ops{list-style:none;padding:0;margin:0}
.toc-groups>li{margin:.25rem 0}
.toc-tag{font-weight:600}
.toc-ops{margin:.125rem 0 .5rem}
.toc-ops a{display:flex;gap:.5rem;align-items:baseline;padding:.2rem .25rem;border-radius:.25rem;text-decoration:none;color:#1b1f24}
.toc-ops a:hover{background:#e3e6ea}
.toc-path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem}
.toc-phone{margin:0 0 1rem;border:1px solid #d5d9df;border-radius:.375rem;background:#f9fafb;padding:0 .75rem}
.toc-phone summary{cursor:pointer;min-height:2.75rem;padding:.625rem 0;font-weight:600;color:#0b57d0}
.toc-phone .toc-ops a{padding:.4rem .25rem}
h1{font-size:1.625rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.375rem;line-height:1.3;margin:0 0 .5rem}
h3{font-size:1.125rem;line-height:1.35;margin:0}
h4{font-size:.9375rem;margin:0 0 .5rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.intro,.op{background:#fff;border:1px solid #d5d9df;border-radius:.5rem;padding:.875rem;margin:0 0 1rem}
.tag{margin:2rem 0 0}
.tag-desc{color:#4b5563;margin-bottom:1rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem}
.facts dt{color:#4b5563}
.facts dd{margin:0}
.op-title{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.op-path{font-size:1rem;background:none;padding:0;font-weight:600}
.op-summary{font-size:1.0625rem;margin:.375rem 0 .25rem}
.op-auth{margin:0 0 .75rem;color:#4b5563;font-size:.9375rem}
.op-desc{border-left:4px solid #d5d9df;padding-left:.75rem;margin:0 0 .75rem}
.method{display:inline-block;min-width:3.75rem;text-align:center;font:700 .75rem/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.03em;border-radius:.25rem;padding:0 .375rem;border:1px solid currentColor}
.method-get{color:#0b4fa8;background:#e8f0fe}
.method-post{color:#0d5c26;background:#e6f4ea}
.method-delete{color:#9b1c13;background:#fce8e6}
.method-put,.method-patch{color:#7a4a00;background:#fef3e0}
.badge{display:inline-block;font-size:.75rem;font-weight:700;border-radius:1rem;padding:0 .5rem;border:1px solid currentColor;margin-right:.25rem}
.badge-auth{color:#7a4a00;background:#fef3e0}
.badge-public{color:#4b5563;background:#eef0f3}
.block{margin:1rem 0 0}
.media{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem;font-weight:400;color:#4b5563}
.opt-note{font-size:.8125rem;font-weight:400;color:#4b5563}
.fields{list-style:none;margin:0;padding:0;border-top:1px solid #e3e6ea}
.field{padding:.5rem 0;border-bottom:1px solid #e3e6ea}
.field .fields{margin:.5rem 0 0 .25rem;padding-left:.75rem;border-left:2px solid #d5d9df;border-top:0}
.field .field:last-child{border-bottom:0}
.field-head{display:flex;flex-wrap:wrap;gap:.25rem .5rem;align-items:baseline}
.field-name{font-weight:700;background:none;padding:0;font-size:.9375rem}
.type{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem;color:#6b21a8}
.where{font-size:.8125rem;color:#4b5563}
.req{font-size:.75rem;font-weight:700;color:#7a4a00}
.opt{font-size:.75rem;color:#4b5563;font-style:italic}
.schemes dt{font-weight:700;margin-top:.5rem}
.schemes dd{margin:0 0 .5rem}
.schemes dd p{margin:0}
.limit{font-size:.8125rem;color:#4b5563}
.field-desc{color:#374151;font-size:.9375rem;margin-top:.125rem}
.field-desc p{margin:0}
.variants ol{padding-left:1.25rem;margin:0}
.variant-label{margin:.5rem 0 .25rem;font-size:.875rem;color:#4b5563}
.schema-plain{margin:.25rem 0}
details.schema{margin:.25rem 0}
details.schema>summary{cursor:pointer;padding:.25rem 0;color:#0b57d0;font-size:.9375rem}
.responses{list-style:none;padding:0;margin:0}
.response{padding:.5rem 0;border-top:1px solid #e3e6ea}
.response-head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.response-desc{font-size:.9375rem}
.response-desc ul{padding-left:1.25rem;margin:.25rem 0}
.response-desc p{margin:.25rem 0}
.status{font:700 .875rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:0 .375rem;border-radius:.25rem;border:1px solid currentColor}
.status-2xx{color:#0d5c26;background:#e6f4ea}
.status-4xx{color:#7a4a00;background:#fef3e0}
.status-5xx{color:#9b1c13;background:#fce8e6}
.envelope{font-size:.8125rem}
@media (min-width:40rem){main{padding:1.5rem}.intro,.op{padding:1.25rem 1.5rem}}
@media (min-width:64rem){
.layout{display:grid;grid-template-columns:20rem minmax(0,1fr);gap:0}
.toc{display:block;position:sticky;top:0;align-self:start;max-height:100vh;overflow-y:auto;padding:1.5rem 1rem;border-right:1px solid #d5d9df}
.toc-phone{display:none}
}
@media (forced-colors:active){.method,.status,.badge{border-color:CanvasText}}
@media print{.toc,.toc-phone,.top-json{display:none}.layout{display:block}}
`;
