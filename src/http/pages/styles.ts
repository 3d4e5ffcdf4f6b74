/**
 * The approval pages' only stylesheet, served by the route layer at `PAGE_CSS_PATH` because the
 * CSP (`style-src 'self'`) forbids inline styles. Colours meet WCAG AA (text ≥ 4.5:1 on its
 * background, focus ring ≥ 3:1); status never relies on colour alone (the views also say it in
 * words); touch targets are at least 44 px; one column up to 40rem, down to 320 px wide.
 */

export const PAGE_CSS_PATH = "/a/assets/page.css";

export const PAGE_CSS = `*,*::before,*::after{box-sizing:border-box}
html{color-scheme:light;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f4f5f7;color:#1b1f24;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
.site,main,.foot{max-width:40rem;margin:0 auto;padding:0 1rem}
.site{padding-top:1rem;padding-bottom:.5rem}
.brand{margin:0;font-weight:600;color:#4b5563}
main{background:#fff;border:1px solid #d5d9df;border-radius:.5rem;padding:1.25rem 1rem 1.5rem}
@media (min-width:30rem){main{padding:1.5rem 1.75rem 2rem}}
.foot{padding-top:1rem;padding-bottom:2rem;color:#4b5563;font-size:.875rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.125rem;line-height:1.3;margin:1.5rem 0 .5rem}
p,ul,ol,dl,blockquote{margin:0 0 .75rem}
ul,ol{padding-left:1.5rem}
a{color:#0b57d0;text-decoration:underline}
a:hover{text-decoration-thickness:2px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#eef0f3;border-radius:.25rem;padding:.05em .3em}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
.eyebrow{margin:0 0 .25rem;color:#4b5563;font-weight:600;text-transform:uppercase;letter-spacing:.04em;font-size:.8125rem}
.lead{font-size:1.0625rem}
.deadline{font-weight:600}
.description{border-left:4px solid #d5d9df;padding-left:.75rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem}
.facts dt{color:#4b5563}
.facts dd{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9375rem}
.decisions{list-style:none;padding:0}
.decisions li{border-top:1px solid #e3e6ea;padding:.625rem 0}
.decisions li:last-child{border-bottom:1px solid #e3e6ea}
.who{font-weight:600}
.state{display:inline-block;margin-left:.5rem;padding:0 .5rem;border-radius:1rem;font-size:.875rem;font-weight:600;border:1px solid currentColor}
.state-approve{color:#146c2e;background:#e6f4ea}
.state-reject{color:#a50e0e;background:#fce8e6}
.state-waiting{color:#4b5563;background:#eef0f3}
.when{display:block;color:#4b5563;font-size:.875rem}
.comment{margin:.375rem 0 0;padding:.375rem .75rem;background:#f4f5f7;border-left:4px solid #d5d9df;white-space:pre-wrap}
.notice{border:2px solid #4b5563;border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem;background:#eef0f3}
.notice p:last-child{margin-bottom:0}
.notice-error{border-color:#a50e0e;background:#fdecea;color:#8c1d18}
.notice-approved{border-color:#146c2e;background:#e6f4ea;color:#0d4f20}
.notice-rejected{border-color:#b3261e;background:#fce8e6;color:#8c1d18}
.notice-expired,.notice-warning{border-color:#b45309;background:#fef3c7;color:#78350f}
.notice-closed{border-color:#6b7280;background:#eef0f3;color:#1b1f24}
.outcome-refused{color:#8c1d18}
time{white-space:nowrap}
.description-open{max-height:min(30vh,20rem);overflow:auto}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:30rem){.site{padding-top:.625rem;padding-bottom:.375rem}main{padding-top:1rem}h1{font-size:1.375rem}textarea{min-height:3.75rem}.description-open{max-height:25vh}}
.facts dd.plain{font-family:inherit;font-size:inherit}
.outcome{font-weight:600}
form{margin:1rem 0}
form h2{margin-top:0}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
.hint{color:#4b5563;font-size:.875rem;margin:0 0 .375rem}
textarea{display:block;width:100%;min-height:5rem;padding:.5rem .625rem;font:inherit;color:#1b1f24;background:#fff;border:2px solid #6b7280;border-radius:.375rem;resize:vertical}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}
.button{flex:1 1 8rem;min-height:2.75rem;padding:.625rem 1.25rem;font:inherit;font-weight:600;font-size:1.0625rem;color:#fff;border:2px solid transparent;border-radius:.375rem;cursor:pointer}
.button-approve{background:#146c2e}
.button-reject{background:#b3261e}
.button:hover{filter:brightness(.9)}
.button:focus-visible{outline:3px solid #1a56db;outline-offset:3px}
details{margin:1rem 0}
summary{cursor:pointer;min-height:2.75rem;padding:.5rem 0;font-weight:600;color:#0b57d0}
@media (forced-colors:active){.state,.button,.notice{border-color:CanvasText}}
@media print{.site,.foot,form{display:none}main{border:0}}
`;
