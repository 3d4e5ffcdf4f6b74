/**
 * The console's only stylesheet, served at `CONSOLE_CSS_PATH` (the CSP allows no inline style).
 * Dense but readable: tabular figures, monospace ids, status badges that carry their word as well
 * as their colour (WCAG AA contrast), a sidebar that becomes a scrolling tab row on a phone, and
 * tables that keep their key columns on narrow screens (`.wide` columns hide below 48rem).
 */

export const CONSOLE_CSS_PATH = "/console/assets/console.css";

export const CONSOLE_CSS = `*,*::before,*::after{box-sizing:border-box}
html{color-scheme:light;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f6f7f9;color:#1b1f24;font:.9375rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:#0b57d0}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem}
.shell{display:grid;grid-template-columns:13.5rem minmax(0,1fr);min-height:100vh}
.side{background:#111827;color:#e5e7eb;padding:1rem .75rem;position:sticky;top:0;height:100vh;overflow-y:auto}
.brand{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 .5rem;margin:0 .5rem 1.25rem;font-weight:700;font-size:1.0625rem;color:#fff;text-decoration:none}
.brand small{font-weight:500;color:#9ca3af;font-size:.6875rem;text-transform:uppercase;letter-spacing:.06em;white-space:nowrap}
.nav{list-style:none;margin:0;padding:0}
.nav a{display:flex;justify-content:space-between;align-items:center;padding:.45rem .625rem;border-radius:.375rem;color:#d1d5db;text-decoration:none;font-weight:500}
.nav a:hover{background:#1f2937;color:#fff}
.nav a[aria-current=page]{background:#374151;color:#fff}
.nav .count{font-size:.75rem;background:#4b5563;color:#fff;border-radius:1rem;padding:0 .45rem;font-variant-numeric:tabular-nums}
.nav .count-alert{background:#b91c1c}
.who{margin:1.5rem .5rem 0;padding-top:1rem;border-top:1px solid #374151;font-size:.8125rem;color:#9ca3af}
.who strong{color:#e5e7eb;font-weight:600}
.who form{margin:.5rem 0 0}
.link-button{background:none;border:0;padding:0;font:inherit;color:#93c5fd;text-decoration:underline;cursor:pointer}
.main{padding:1.5rem 2rem 3rem;min-width:0;max-width:90rem}
.top{display:flex;flex-wrap:wrap;align-items:flex-end;justify-content:space-between;gap:.75rem;margin-bottom:1rem}
h1{font-size:1.5rem;line-height:1.2;margin:0}
h2{font-size:1.0625rem;margin:1.75rem 0 .625rem}
.sub{color:#4b5563;margin:.25rem 0 0}
.crumbs{font-size:.8125rem;margin:0 0 .25rem;color:#4b5563}
.flash{border:1px solid #86c79a;background:#e6f4ea;color:#0f5223;border-radius:.375rem;padding:.625rem .875rem;margin:0 0 1rem}
.flash-error{border-color:#f1a9a0;background:#fdecea;color:#8c1d18}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.25rem,1fr));gap:.75rem;margin:0 0 1rem}
.card{background:#fff;border:1px solid #dfe3e8;border-radius:.5rem;padding:.75rem .875rem;text-decoration:none;color:inherit;display:block}
a.card:hover{border-color:#9aa4b2}
.card .label{display:block;font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#4b5563;font-weight:600}
.card .value{display:block;font-size:1.625rem;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.3}
.card .note{display:block;font-size:.8125rem;color:#4b5563}
.card-alert{border-color:#f1a9a0;background:#fff7f6}
.card-alert .value{color:#a50e0e}
.panel{background:#fff;border:1px solid #dfe3e8;border-radius:.5rem;margin:0 0 1rem}
.panel>h2{margin:0;padding:.75rem 1rem;border-bottom:1px solid #e5e7eb;font-size:.9375rem}
.panel-body{padding:.875rem 1rem}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #dfe3e8;border-radius:.5rem}
.panel .table-wrap{border:0;border-radius:0 0 .5rem .5rem}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:.5rem .75rem;border-bottom:1px solid #eceef1;vertical-align:top}
th{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#4b5563;background:#f9fafb;font-weight:600;white-space:nowrap}
tbody tr:hover{background:#f9fafb}
tbody tr:last-child td{border-bottom:0}
td.num{text-align:right}
td a.mono,td span.mono[title]{white-space:nowrap}
td .mono{overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
.muted{color:#6b7280}
.error-text{color:#8c1d18}
.badge{display:inline-flex;align-items:center;gap:.3rem;padding:.05rem .5rem;border-radius:1rem;font-size:.75rem;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.badge::before{content:"";width:.45rem;height:.45rem;border-radius:50%;background:currentColor}
.b-ok{color:#146c2e;background:#e6f4ea}
.b-bad{color:#a50e0e;background:#fce8e6}
.b-wait{color:#8a4b00;background:#fef3e2}
.b-info{color:#0b4fa8;background:#e8f0fe}
.b-off{color:#4b5563;background:#eef0f3}
.filters{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin:0 0 .875rem;padding:.75rem;background:#fff;border:1px solid #dfe3e8;border-radius:.5rem}
.filters label,.field label{display:block;font-size:.75rem;font-weight:600;color:#374151;margin-bottom:.2rem}
input[type=text],input[type=password],input[type=search],select,textarea{font:inherit;font-size:.875rem;padding:.4rem .55rem;border:1px solid #9aa4b2;border-radius:.375rem;background:#fff;color:#1b1f24;min-height:2.25rem;max-width:100%}
textarea{width:100%;min-height:5rem}
.btn{display:inline-flex;align-items:center;justify-content:center;min-height:2.25rem;padding:.4rem .875rem;font:inherit;font-size:.875rem;font-weight:600;border-radius:.375rem;border:1px solid #9aa4b2;background:#fff;color:#1b1f24;cursor:pointer;text-decoration:none;white-space:nowrap}
.btn:hover{background:#f3f4f6}
.btn-primary{background:#0b57d0;border-color:#0b57d0;color:#fff}
.btn-primary:hover{background:#0a4ab3}
.btn-danger{background:#fff;border-color:#b3261e;color:#a50e0e}
.btn-danger:hover{background:#fdecea}
.btn-small{min-height:1.875rem;padding:.2rem .625rem;font-size:.8125rem}
.inline{display:inline}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
.facts dt{color:#4b5563;font-size:.8125rem;font-weight:600}
.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
pre{margin:0;background:#0f172a;color:#e2e8f0;border-radius:.375rem;padding:.75rem;overflow:auto;font:.8125rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;max-height:24rem}
.pager{display:flex;justify-content:space-between;align-items:center;margin:.75rem 0;font-size:.875rem;color:#4b5563}
.empty{background:#fff;border:1px dashed #b8c0cc;border-radius:.5rem;padding:1.5rem 1.25rem;text-align:center;color:#374151}
.empty strong{display:block;font-size:1rem;margin-bottom:.25rem;color:#1b1f24}
.empty p{margin:.25rem 0}
.grid2{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:1rem}
.history{margin-top:1.5rem}
.timeline{list-style:none;margin:0;padding:0}
.timeline>li{padding:.625rem 1rem;border-bottom:1px solid #eceef1}
.timeline>li:last-child{border-bottom:0}
.tl-head{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .625rem}
.tl-head time{color:#4b5563}
.tl-meta{display:flex;flex-wrap:wrap;gap:.125rem 1rem;font-size:.8125rem;color:#4b5563;margin-top:.125rem}
.tl-facts{display:grid;grid-template-columns:max-content 1fr;gap:.125rem .75rem;margin:.375rem 0 0;font-size:.8125rem}
.tl-facts dt{color:#4b5563;font-weight:600}
.tl-facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
.mail-frame{width:100%;height:32rem;border:1px solid #dfe3e8;border-radius:.375rem;background:#fff}
.login{max-width:26rem;margin:12vh auto;padding:0 1rem}
.login .panel-body{padding:1.25rem}
.login h1{margin-bottom:.5rem}
.login input{width:100%}
.login .btn{width:100%;margin-top:.75rem;min-height:2.5rem}
.hint{font-size:.8125rem;color:#4b5563;margin:.35rem 0 0}
.landing{max-width:46rem;margin:8vh auto;padding:0 1rem 3rem}
.landing h1{font-size:1.75rem;margin:.25rem 0 .5rem}
.landing-links{list-style:none;margin:1.5rem 0 1rem;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.75rem}
.landing-links .card{height:100%;padding:.875rem 1rem}
.landing-label{display:block;font-weight:650;font-size:1.0625rem;color:#0b57d0;margin-bottom:.2rem}
@media (max-width:48rem){.landing{margin-top:1.5rem}.landing-links{gap:.5rem}}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:60rem){.grid2{grid-template-columns:minmax(0,1fr)}}
@media (max-width:48rem){
.shell{display:block}
.side{position:sticky;top:0;z-index:2;height:auto;padding:.5rem .5rem 0;display:flex;flex-direction:column}
.brand{margin:.25rem .5rem .5rem}
.nav{display:flex;overflow-x:auto;gap:.25rem;padding-bottom:.5rem;scrollbar-width:thin}
.nav a{white-space:nowrap;gap:.4rem}
.who{display:none}
.main{padding:1rem .75rem 2rem}
.wide{display:none}
.cards{grid-template-columns:repeat(2,minmax(0,1fr))}
.card .value{font-size:1.375rem}
th,td{padding:.45rem .5rem}
.filters>div{flex:1 1 8rem}
.filters input,.filters select{width:100%}
.mail-frame{height:26rem}
}
@media (max-width:48rem){
table.stack thead{display:none}
table.stack tr{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.375rem .75rem;padding:.625rem .75rem;border-bottom:1px solid #eceef1}
table.stack tbody tr:last-child{border-bottom:0}
table.stack td{display:block;border:0;padding:0;text-align:left}
table.stack td::before{content:attr(data-label);display:block;font-size:.6875rem;text-transform:uppercase;letter-spacing:.05em;color:#6b7280;font-weight:600}
table.stack td.wide{display:none}
table.stack td.span{grid-column:1/-1}
}
.only-small{display:none}
@media (max-width:48rem){.only-small{display:block}}
@media (forced-colors:active){.badge,.btn{border-color:CanvasText}}
`;

/** The console's only script (progressive enhancement): confirm before destructive actions. */
export const CONSOLE_JS_PATH = "/console/assets/console.js";

export const CONSOLE_JS = `"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
`;
