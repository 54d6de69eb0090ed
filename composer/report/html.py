"""The report as one self-contained HTML page: an inline SVG of the composition laid out by
dependency depth (the root on top, providers below their users, host imports at the bottom
grouped by package), a legend, a summary table and a details panel. Hovering a component or
an edge shows its WIT-like text (SVG <title>); clicking pins it in the panel. Nothing is
loaded from the network: the CSS and the small script are inline."""

from __future__ import annotations

import html
import json
from pathlib import Path

from .model import HOST, Report, size_text

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN, MARGIN_X = 200, 56, 28, 90, 30, 70


def _layers(report: Report) -> list[list[str]]:
    """Rows of ids: components by depth, then the host imports (sorted by package), then the
    unused dependencies and the targets of unsatisfied imports (which few edges reach).
    Within a row, nodes are ordered by the mean position of the nodes above that point at
    them, which keeps edges short and uncrossed."""
    import networkx as nx

    g = nx.DiGraph()
    rows: list[list[str]] = []
    by_depth: dict[int, list[str]] = {}
    for n in report.nodes:
        g.add_node(n.id)
        if n.kind != "unused":
            by_depth.setdefault(n.depth, []).append(n.id)
    rows = [by_depth[d] for d in sorted(by_depth)]
    hosts = [h.id for hs in report.packages().values() for h in hs]
    host_row = len(rows) if hosts else -1
    if hosts:
        rows.append(hosts)
    tail = [n.id for n in report.nodes if n.kind == "unused"] + report.unsatisfied_targets()
    if tail:
        rows.append(tail)
    g.add_edges_from((e.source, e.target) for e in report.edges)
    ordered: list[list[str]] = []
    position: dict[str, float] = {}
    for r, row in enumerate(rows):
        if r != host_row:  # the host row keeps its package grouping
            def centre(n: str, row: list[str] = row) -> float:
                ups = [position[p] for p in g.predecessors(n) if p in position]
                return sum(ups) / len(ups) if ups else float(row.index(n))
            row = sorted(row, key=lambda n: (centre(n), row.index(n)))
        for i, n in enumerate(row):
            position[n] = i - (len(row) - 1) / 2
        ordered.append(row)
    return ordered


def render_html(report: Report) -> str:
    rows = _layers(report)
    width = max((len(r) for r in rows), default=1) * (NODE_W + GAP_X) - GAP_X + 2 * MARGIN_X
    height = len(rows) * (NODE_H + GAP_Y) - GAP_Y + 2 * MARGIN
    pos: dict[str, tuple[float, float]] = {}
    for r, row in enumerate(rows):
        row_w = len(row) * (NODE_W + GAP_X) - GAP_X
        x0 = (width - row_w) / 2
        for i, n in enumerate(row):
            pos[n] = (x0 + i * (NODE_W + GAP_X), MARGIN + r * (NODE_H + GAP_Y))

    details: dict[str, dict[str, str]] = {}
    svg: list[str] = [
        f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{html.escape(report.title)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="context-stroke"/></marker></defs>',
    ]
    # package frames behind the host imports
    for package, hosts in report.packages().items():
        xs = [pos[h.id][0] for h in hosts]
        y = pos[hosts[0].id][1]
        svg.append(
            f'<g class="package"><rect x="{min(xs) - 8:.0f}" y="{y - 22:.0f}" '
            f'width="{max(xs) - min(xs) + NODE_W + 16:.0f}" height="{NODE_H + 30:.0f}" rx="10"/>'
            f'<text x="{min(xs):.0f}" y="{y - 8:.0f}">host: {html.escape(package)}</text></g>'
        )
    nodes = {n.id: n for n in report.nodes}
    label_edges = len(report.edges) <= 60
    # spread the ends of the edges along a node's bottom (outgoing) and top (incoming) sides,
    # in the order of the nodes at their other ends, so that they do not cross at the node
    out_slot: dict[int, float] = {}
    in_slot: dict[int, float] = {}
    for ends, slot, other in ((lambda e: e.source, out_slot, lambda e: e.target),
                              (lambda e: e.target, in_slot, lambda e: e.source)):
        groups: dict[str, list[int]] = {}
        for k, e in enumerate(report.edges):
            groups.setdefault(ends(e), []).append(k)
        for ks in groups.values():
            ks.sort(key=lambda k: pos[other(report.edges[k])][0])
            for i, k in enumerate(ks):
                slot[k] = NODE_W * (i + 1) / (len(ks) + 1)
    row_of = {n: r for r, row in enumerate(rows) for n in row}
    gutters = {"left": 0, "right": 0}
    for k, e in enumerate(report.edges):
        (sx, sy), (tx, ty) = pos[e.source], pos[e.target]
        x1, y1, x2, y2 = sx + out_slot[k], sy + NODE_H, tx + in_slot[k], ty
        between = [pos[n][0] for r in range(row_of[e.source] + 1, row_of[e.target])
                   for n in rows[r]]
        lo, hi = min(x1, x2) - 12, max(x1, x2) + 12
        blocked = [x for x in between if x < hi and x + NODE_W > lo]
        if y2 > y1 and blocked:
            # an edge over several rows that would cross the nodes between: around them
            left = min(x for x in between) - 16
            right = max(x for x in between) + NODE_W + 16
            side = "left" if (x1 - left) < (right - x1) else "right"
            gutters[side] += 1
            gx = left - 6 * gutters[side] if side == "left" else right + 6 * gutters[side]
            gx = min(max(gx, 4), width - 4)
            ya, yb = y1 + GAP_Y / 2, y2 - GAP_Y / 2
            d = (f"M{x1:.0f},{y1:.0f} C{x1:.0f},{ya:.0f} {gx:.0f},{y1:.0f} {gx:.0f},{ya:.0f} "
                 f"L{gx:.0f},{yb:.0f} C{gx:.0f},{y2:.0f} {x2:.0f},{yb:.0f} {x2:.0f},{y2:.0f}")
            lx, ly = gx, (ya + yb) / 2
        elif y2 <= y1:  # an edge back up (a cycle): leave from the side
            x1, y1, x2, y2 = sx + NODE_W, sy + NODE_H / 2, tx + NODE_W, ty + NODE_H / 2
            d = f"M{x1:.0f},{y1:.0f} C{x1 + 60:.0f},{y1:.0f} {x2 + 60:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
            lx, ly = max(x1, x2) + 45, (y1 + y2) / 2
        else:
            my = (y1 + y2) / 2
            d = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{my:.0f} {x2:.0f},{my:.0f} {x2:.0f},{y2:.0f}"
            lx, ly = (x1 + x2) / 2, my
        classes = ["edge"]
        if e.target.startswith(HOST):
            classes.append("host")
        if e.semver:
            classes.append("semver")
        if e.problem:
            classes.append("problem")
        text = f"{e.source} imports {e.import_name}\n"
        if e.target.startswith(HOST):
            text += f"left for the host as {e.target[len(HOST):]}"
        elif e.target in nodes:
            text += ("offered by " if e.problem else "satisfied by ") + e.target
            text += f" export {e.export_name}" if e.export_name else " (the instance)"
            text += f" ({e.how})"
        if e.semver:
            text += "\nsemver-compatible versions bridged"
        if e.problem:
            text += f"\nPROBLEM: {e.problem}"
        for why in e.near:
            text += f"\nnot from {why}"
        wit = next((i.wit for i in nodes[e.source].imports if i.name == e.import_name), "")
        eid = f"edge-{k}"
        details[eid] = {"title": f"{e.source} → {e.target}", "text": text, "wit": wit}
        svg.append(
            f'<g class="{" ".join(classes)}" id="{eid}" data-id="{eid}" tabindex="0" '
            f'data-source="{html.escape(e.source)}" data-target="{html.escape(e.target)}">'
            f'<title>{html.escape(text)}</title><path class="hit" d="{d}"/>'
            f'<path d="{d}" marker-end="url(#arrow)"/>'
        )
        if label_edges and not e.target.startswith(HOST):
            svg.append(f'<text class="edge-label" x="{lx:.0f}" y="{ly:.0f}">{html.escape(_short(e.import_name))}</text>')
        svg.append("</g>")
    for n in report.nodes:
        x, y = pos[n.id]
        wit = "\n\n".join(i.wit for i in n.exports) or "(no exports)"
        imports = "\n\n".join(i.wit for i in n.imports)
        text = f"{n.id}: {n.file} ({size_text(n.size)}), {len(n.exports)} exports, {len(n.imports)} imports"
        if n.why:
            text += "\nunused: " + "; ".join(n.why)
        details[n.id] = {"title": n.id, "text": text, "wit": wit + ("\n\n" + imports if imports else "")}
        svg.append(
            f'<g class="node component {n.kind}" data-id="{html.escape(n.id)}" tabindex="0" '
            f'data-search="{html.escape((n.id + " " + n.file).lower())}">'
            f'<title>{html.escape(text + chr(10) + chr(10) + wit)}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8"/>'
            f'<text x="{x + 10:.0f}" y="{y + 22:.0f}" class="name">{html.escape(_short(n.id, 26))}</text>'
            f'<text x="{x + 10:.0f}" y="{y + 42:.0f}" class="meta">'
            f'{html.escape(_short(Path(n.file).name, 20))} · {size_text(n.size)}</text></g>'
        )
    for h in report.host_imports:
        x, y = pos[h.id]
        details[h.id] = {"title": h.name, "text": f"left for the host; used by {', '.join(h.users)}"
                         + (" (semver-merged)" if h.semver_bridged else ""), "wit": h.wit}
        svg.append(
            f'<g class="node hostimport" data-id="{html.escape(h.id)}" tabindex="0">'
            f'<title>{html.escape(h.name + chr(10) + chr(10) + h.wit)}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="27"/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + 33:.0f}" text-anchor="middle">'
            f'{html.escape(_short(h.name, 28))}</text></g>'
        )
    for target in report.unsatisfied_targets():
        x, y = pos[target]
        svg.append(
            f'<g class="node missing" data-id="{html.escape(target)}"><title>unsatisfied import</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="4"/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + 33:.0f}" text-anchor="middle">unsatisfied</text></g>'
        )
    svg.append("</svg>")

    summary = report.summary()
    rows_html = "".join(
        f"<tr><th>{html.escape(k.replace('_', ' '))}</th><td>{v}</td></tr>" for k, v in summary.items()
    )
    problems = "".join(f"<li>{html.escape(p.message)}</li>" for p in report.problems)
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
    data = json.dumps(details).replace("</", "<\\/")
    status = "ok" if report.ok else f"{len(report.problems)} problem(s)"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(report.title)}</title>
<style>{_CSS}</style></head>
<body>
<header><h1>{html.escape(report.title)}</h1><span class="status {'ok' if report.ok else 'bad'}">{status}</span></header>
<main>
<section class="canvas">
<div class="toolbar"><button type="button" id="zoom-out" title="zoom out">−</button>
<button type="button" id="zoom-in" title="zoom in">+</button>
<button type="button" id="zoom-fit" title="fit the whole graph">fit</button>
<button type="button" id="zoom-reset" title="actual size">1:1</button>
<input type="search" id="find" placeholder="find a component…" aria-label="find a component">
<span id="found"></span></div>
<div class="scroll">{''.join(svg)}</div></section>
<aside>
<h2>Summary</h2><table class="summary">{rows_html}</table>
{f'<h2>Problems</h2><ul class="problems">{problems}</ul>' if problems else ''}
{f'<h2>Warnings</h2><ul class="warnings">{warnings}</ul>' if warnings else ''}
<h2>Legend</h2>
<ul class="legend">
<li><span class="swatch root"></span>root component (its exports are the output's)</li>
<li><span class="swatch dependency"></span>dependency instance</li>
<li><span class="swatch unused"></span>dependency that satisfies nothing</li>
<li><span class="swatch hostimport"></span>import left for the host, by package</li>
<li><span class="line plug"></span>import satisfied by an export</li>
<li><span class="line semver"></span>satisfied across semver-compatible versions</li>
<li><span class="line host"></span>import passed to the host</li>
<li><span class="line problem"></span>unsatisfied or mismatched import</li>
</ul>
<h2>Details</h2>
<div id="details"><p class="hint">Hover over a component or an edge; click to keep it here.</p></div>
</aside>
</main>
<script type="application/json" id="report-data">{data}</script>
<script>{_JS}</script>
</body></html>
"""


def _short(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header{display:flex;gap:1em;align-items:baseline;padding:12px 20px;border-bottom:1px solid #dde2ea;background:#fff}
h1{font-size:18px;margin:0}h2{font-size:14px;margin:18px 0 6px}
.status{padding:2px 8px;border-radius:10px;font-weight:600}.status.ok{background:#e3f6e8;color:#17692f}.status.bad{background:#fde5e5;color:#a31515}
main{display:flex;align-items:flex-start}
.canvas{flex:1;min-width:0}
.toolbar{display:flex;gap:6px;align-items:center;padding:8px 10px;border-bottom:1px solid #e6e9ef;background:#fff}
.toolbar button{min-width:34px;padding:3px 8px;border:1px solid #c5cad3;border-radius:5px;background:#f7f8fa;cursor:pointer}
.toolbar input{margin-left:10px;padding:3px 8px;border:1px solid #c5cad3;border-radius:5px;width:220px}
#found{color:#666;font-size:12px}
.scroll{overflow:auto;padding:10px;max-height:calc(100vh - 110px)}
.dim{opacity:.15}.match rect{stroke:#e0a100;stroke-width:3}
aside{width:380px;flex:none;padding:0 16px 16px;border-left:1px solid #dde2ea;background:#fff;min-height:calc(100vh - 60px);box-sizing:border-box}
table.summary{border-collapse:collapse}table.summary th{text-align:left;font-weight:normal;color:#555;padding:2px 12px 2px 0}
ul{padding-left:18px;margin:4px 0}.problems li{color:#a31515}.warnings li{color:#8a5a00}
.legend{list-style:none;padding:0}.legend li{margin:3px 0}
.swatch{display:inline-block;width:22px;height:12px;border-radius:3px;margin-right:6px;vertical-align:middle;border:1px solid #6a7ba3}
.swatch.root{background:#cfe0ff;border-width:2px}.swatch.dependency{background:#eef3fb}.swatch.unused{background:#fff;border-style:dashed}.swatch.hostimport{background:#f3f3f3;border-color:#999;border-radius:8px}
.line{display:inline-block;width:26px;height:0;border-top:2px solid #47609a;margin-right:6px;vertical-align:middle}
.line.semver{border-top:2px dashed #d9822b}.line.host{border-top-color:#9aa3b2}.line.problem{border-top-color:#d22}
#details pre{white-space:pre-wrap;background:#f5f7fa;border:1px solid #e1e6ee;padding:8px;font:12px/1.35 ui-monospace,Menlo,Consolas,monospace;max-height:55vh;overflow:auto}
.hint{color:#777}
svg text{font-size:12px;fill:#1d2330;pointer-events:none}
.node{cursor:pointer}.node rect{fill:#eef3fb;stroke:#6a7ba3;stroke-width:1.2}
.node.root rect{fill:#cfe0ff;stroke:#24448f;stroke-width:2.5}.node.unused rect{fill:#fff;stroke-dasharray:5 3}
.node.hostimport rect{fill:#f3f3f3;stroke:#999}.node.missing rect{fill:#fff0f0;stroke:#d22}.node.missing text{fill:#d22}
.node text.name{font-weight:600}.node text.meta{fill:#5a6375;font-size:11px}
.node:hover rect,.node.selected rect,.edge.selected path{stroke:#e0a100;stroke-width:3}
.package rect{fill:none;stroke:#c5cad3;stroke-dasharray:4 3}.package text{fill:#6b7280;font-size:11px}
.edge{cursor:pointer}.edge path{fill:none;stroke:#47609a;stroke-width:1.6}.edge:hover path{stroke-width:3.5}
.edge.host path{stroke:#9aa3b2;stroke-width:1}.edge.semver path{stroke:#d9822b;stroke-dasharray:6 4}
.edge.problem path{stroke:#d22;stroke-width:2}.edge-label{font-size:10px;fill:#47609a;text-anchor:middle}
svg .edge path.hit{stroke:transparent;stroke-width:12;stroke-dasharray:none;pointer-events:stroke}
"""

_JS = """
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var panel = document.getElementById('details');
  var pinned = null;
  function show(id) {
    var d = data[id];
    if (!d) return;
    panel.textContent = '';
    var h = document.createElement('h3'); h.textContent = d.title; panel.appendChild(h);
    var p = document.createElement('p'); p.textContent = d.text; p.style.whiteSpace = 'pre-wrap'; panel.appendChild(p);
    if (d.wit) { var pre = document.createElement('pre'); pre.textContent = d.wit; panel.appendChild(pre); }
  }
  var svg = document.getElementById('graph');
  var edges = Array.prototype.slice.call(svg.querySelectorAll('g.edge'));
  var nodes = Array.prototype.slice.call(svg.querySelectorAll('g.node'));
  // a clicked component: its own edges stay, the rest of the picture fades
  function focus(id) {
    var near = {}; near[id] = true;
    edges.forEach(function (e) {
      var mine = e.getAttribute('data-source') === id || e.getAttribute('data-target') === id;
      if (mine) { near[e.getAttribute('data-source')] = true; near[e.getAttribute('data-target')] = true; }
      e.classList.toggle('dim', id !== null && !mine);
    });
    nodes.forEach(function (n) { n.classList.toggle('dim', id !== null && !near[n.getAttribute('data-id')]); });
  }
  var items = document.querySelectorAll('[data-id]');
  items.forEach(function (el) {
    var id = el.getAttribute('data-id');
    el.addEventListener('mouseenter', function () { if (!pinned) show(id); });
    el.addEventListener('click', function (ev) {
      ev.stopPropagation();
      if (pinned) pinned.classList.remove('selected');
      pinned = el; el.classList.add('selected'); show(id);
      focus(el.classList.contains('node') ? id : null);
    });
    el.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') el.click(); });
  });
  svg.addEventListener('click', function () {
    if (pinned) pinned.classList.remove('selected');
    pinned = null; focus(null);
  });
  // zoom: the SVG keeps its viewBox, its size changes
  var baseW = svg.width.baseVal.value, baseH = svg.height.baseVal.value, scale = 1;
  var scroller = svg.parentNode;
  function zoom(s) {
    scale = Math.max(0.1, Math.min(4, s));
    svg.setAttribute('width', Math.round(baseW * scale));
    svg.setAttribute('height', Math.round(baseH * scale));
  }
  document.getElementById('zoom-in').addEventListener('click', function () { zoom(scale * 1.25); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoom(scale / 1.25); });
  document.getElementById('zoom-reset').addEventListener('click', function () { zoom(1); });
  document.getElementById('zoom-fit').addEventListener('click', function () {
    zoom(Math.min(1, (scroller.clientWidth - 24) / baseW, (scroller.clientHeight - 24) / baseH));
  });
  // find: components whose name or file contains the text
  var found = document.getElementById('found');
  document.getElementById('find').addEventListener('input', function (ev) {
    var text = ev.target.value.trim().toLowerCase(), hits = [];
    svg.querySelectorAll('g.node.component').forEach(function (n) {
      var hit = text !== '' && n.getAttribute('data-search').indexOf(text) >= 0;
      n.classList.toggle('match', hit);
      if (hit) hits.push(n);
    });
    found.textContent = text === '' ? '' : hits.length + ' found';
    if (hits.length) hits[0].scrollIntoView({block: 'center', inline: 'center'});
  });
  if (baseW > scroller.clientWidth * 1.5) zoom(Math.max(0.4, (scroller.clientWidth - 24) / baseW));
})();
"""
