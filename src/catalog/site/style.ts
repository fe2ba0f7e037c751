/** The catalog site's stylesheet (assets/style.css). No web fonts, nothing fetched. */
export const STYLE_CSS = `*{box-sizing:border-box}
html,body{margin:0;font:14px/1.45 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d2733;background:#fff}
a{color:#1f5fa8;text-decoration:none}a:hover{text-decoration:underline}
header{display:flex;gap:14px;align-items:center;padding:10px 18px;border-bottom:1px solid #d5dde6;background:#f6f9fc;position:sticky;top:0;z-index:2}
header h1{font-size:17px;margin:0;white-space:nowrap}
header h1 a{color:inherit}
#search{flex:1;max-width:560px;font:inherit;padding:6px 10px;border:1px solid #b7c4d3;border-radius:6px}
header .meta{color:#6b7785;font-size:12px;margin-left:auto;white-space:nowrap}
main{padding:14px 18px 40px;max-width:1400px}
h2{font-size:19px;margin:6px 0 4px;word-break:break-all}
h3{font-size:15px;margin:22px 0 6px}
.sub{color:#6b7785}
.desc{margin:6px 0 10px;max-width:900px}
table.grid{border-collapse:collapse;width:100%;margin:4px 0 8px}
table.grid th,table.grid td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e6ebf0}
table.grid th{font-size:12px;color:#52606d;background:#f8fafc}
table.grid tr.selected td{background:#fff5e6}
table.grid tr.col{cursor:pointer}
code,.mono{font-family:SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:11.5px;border:1px solid #c9d3de;background:#f3f6f9;margin-right:4px;white-space:nowrap}
.badge.tag{background:#eef4fb;border-color:#c5d6ea}
.badge.external{background:#f4f0fa;border-color:#d6c8ea}
.pii{display:inline-block;padding:1px 7px;border-radius:10px;font-size:11.5px;font-weight:600}
.pii-none{background:#eef7ee;color:#2d6a2d}
.pii-internal{background:#eef3fb;color:#24518c}
.pii-pii{background:#fdf0e1;color:#9a4f00}
.pii-sensitive{background:#fbe4e4;color:#a01616}
.pii-unset{background:#f3f3f3;color:#777;font-weight:400}
.fresh{display:inline-block;white-space:nowrap;padding:1px 7px;border-radius:10px;font-size:11.5px;font-weight:600}
.fresh-on_time{background:#e3f4e3;color:#236b23}
.fresh-late{background:#fbe0e0;color:#a01616}
.fresh-unknown,.fresh-not_scheduled{background:#f0f0f0;color:#666}
.problems li{margin:3px 0}
.problems .error{color:#a01616}
.problems .warning{color:#9a5a00}
.lineage{border:1px solid #dfe6ee;border-radius:8px;overflow:auto;background:#fbfcfd;margin:6px 0}
.lineage svg{display:block}
.lineage .node rect{fill:#fff;stroke:#8aa1b8;stroke-width:1.2;rx:6}
.lineage .node.focus rect{fill:#fff5e6;stroke:#e67e22;stroke-width:2}
.lineage .node.external rect{stroke-dasharray:4 3}
.lineage .node text{font-size:12px;fill:#1d2733}
.lineage .node .kind{font-size:10px;fill:#6b7785}
.lineage .node{cursor:pointer}
.lineage .edge path{fill:none;stroke:#9fb2c6;stroke-width:1.4}
.lineage .edge text{font-size:10.5px;fill:#52606d}
.lineage .edge.hot path{stroke:#e67e22;stroke-width:2}
.cols{columns:3;column-gap:24px}
.results a.result{display:block;padding:7px 10px;border-bottom:1px solid #eef2f6;color:inherit}
.results a.result:hover{background:#f6f9fc;text-decoration:none}
.results .kind{display:inline-block;min-width:70px;color:#6b7785;font-size:12px}
.results mark{background:#fff0b3}
.upchain{margin:6px 0 0;padding-left:18px}
.empty{color:#6b7785;font-style:italic}
`;
