"""The report as one self-contained HTML page: the SVG drawing (`svg.py`) in a pane that
opens readable (text at least 10 px; the whole graph when it fits, else at the root), a
details panel, the summary, the problems and a legend. Hovering a box or a link shows its
text, clicking pins it in the panel: a component's WIT, a package's imports, a link's
imports; a type mismatch as the expected and the offered WIT side by side, the differing
line marked. Search zooms to what it finds, double-click zooms to a box, clicking a link
follows it to its other end. Nothing is loaded from the network: CSS, data and script are
inline."""

from __future__ import annotations

import json
from typing import Any, Callable

from .capabilities import Cell, cells, violations_of
from .compare import sides
from .layout import FONT, layout
from .contents import ComponentNode, CompositionReport, HostImportNode, count, shown, size_text
from .picture import Box, Link, Picture, picture, why_text
from .svg import draw, escape


Block = Callable[..., dict]  # (heading, WIT text, lines to mark) -> a block of the panel


def render_html(report: CompositionReport) -> str:
    pic = picture(report)
    svg = draw(pic, layout(pic), interactive=True)
    data = json.dumps(_details(report, pic), separators=(",", ":")).replace("</", "<\\/")
    summary = report.summary()
    rows = "".join(f"<tr><th>{escape(k.replace('_', ' '))}</th><td>{v}</td></tr>"
                   for k, v in summary.items())
    problems = _problems(report, pic)
    warnings = "".join(f"<li>{escape(w)}</li>" for w in report.warnings)
    status = "ok" if report.ok else count(len(report.problems), "problem")
    counts = _counts(summary, sum(1 for b in pic.boxes if b.kind == "host"))
    # what stands first: the root component, or the exports of a composition of none (WAC)
    if any(n.kind == "exports" for n in report.nodes):
        top, top_title = "exports", "the composition's exports"
        top_legend = '<span class="swatch root"></span>what the composition exports, each linked to what it is'
    else:
        top, top_title = "root", "the root component"
        top_legend = '<span class="swatch root"></span>root component (its exports are the output\'s)'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(report.title)}</title>
<style>{_CSS}</style></head>
<body data-problems="{0 if report.ok else 1}">
<header><h1>{escape(report.title)}</h1><span class="status {'ok' if report.ok else 'bad'}">{status}</span>
<span class="counts">{escape(' · '.join(counts))}</span></header>
<div class="toolbar"><button type="button" id="zoom-out" title="zoom out (-)">−</button>
<button type="button" id="zoom-in" title="zoom in (+)">+</button>
<button type="button" id="zoom-fit" title="fit the whole graph">fit</button>
<button type="button" id="zoom-reset" title="actual size">1:1</button>
<button type="button" id="zoom-root" title="go to {top_title}">{top}</button>
<input type="search" id="find" placeholder="find a component or an import…" aria-label="find a component or an import">
<span id="found"></span><span class="hint">double-click a box to zoom to it; click a link to follow it</span>
<button type="button" id="panel-toggle" title="show or hide the side panel">panel</button></div>
<main>
<section class="scroll" id="scroll">{svg}</section>
<aside id="panel">
<button type="button" id="panel-close" title="close the panel">×</button>
<h2>Details</h2>
<div id="details"><p class="hint">Hover over a box or a link; click to keep it here.</p></div>
{f'<h2>Problems</h2><ul class="problems">{problems}</ul>' if problems else ''}
{f'<h2>Warnings</h2><ul class="warnings">{warnings}</ul>' if warnings else ''}
{_capabilities(report)}
<h2>Summary</h2><table class="summary">{rows}</table>
<h2>Legend</h2>
<ul class="legend">
<li>{top_legend}</li>
<li><span class="swatch dependency"></span>dependency instance</li>
<li><span class="swatch unused"></span>dependency that satisfies nothing (left out)</li>
<li><span class="swatch rejected"></span>dependency whose export was rejected</li>
<li><span class="swatch unreadable"></span>input that cannot be read</li>
<li><span class="swatch hostimport"></span>imports left for the host, one box per package (click: its list)</li>
<li><span class="line plug"></span>import satisfied by an export</li>
<li><span class="line semver"></span>satisfied across semver-compatible versions</li>
<li><span class="line host"></span>imports passed to the host; ×N: N imports in one line</li>
<li><span class="line near"></span>passed to the host though a dependency came close (see why)</li>
<li><span class="line problem"></span>unsatisfied or mismatched import, with the reason</li>
<li><span class="line denied"></span>import refused by the capability policy, with the rule</li>
<li><span class="line virtualized"></span>import plugged by a synthesized adapter (virtualized)</li>
</ul>
</aside>
</main>
<script type="application/json" id="report-data">{data}</script>
<script>{_JS.replace("READABLE", f"{_readable():.4f}")}</script>
</body></html>
"""


def _capabilities(report: CompositionReport) -> str:
    """The capabilities view: a matrix of the components (rows) by the packages of host
    imports (columns), each cell listing the imports of that package the component holds
    directly (●) or reaches through the components it calls (○, the chain in its title),
    those the policy denies marked refused and those it virtualizes marked plugged by a
    synthesized adapter, each with the rule that decided; then the policy's violations."""
    table = cells(report)
    if report.capabilities is None:
        return ""
    packages = sorted({c.package for c in table})
    by_cell: dict[tuple[str, str], list[Cell]] = {}
    for c in table:
        by_cell.setdefault((c.component, c.package), []).append(c)
    head = "".join(f'<th data-package="{escape(p)}">{escape(p)}</th>' for p in packages)
    rows = []
    for comp in report.capabilities.components:
        tds = []
        for p in packages:
            marks = []
            for c in sorted(by_cell.get((comp.instance, p), ()), key=lambda c: c.host):
                mark = "●" if c.how == "direct" else "○"
                what = {"deny": " refused", "virtualize": " virtualized"}.get(c.verdict, "")
                short = c.host[len(p) + 1:] if c.host.startswith(p + "/") else c.host
                marks.append(
                    f'<span class="cap {c.how}{" " + c.verdict if c.verdict else ""}" '
                    f'data-import="{escape(c.host)}" data-name="{escape(c.name)}" data-how="{c.how}" '
                    f'data-verdict="{c.verdict}" data-rule="{escape(c.rule or "")}" '
                    f'title="{escape(c.title)}">{mark} {escape(short)}{what}</span>')
            tds.append(f'<td data-package="{escape(p)}">{"".join(marks)}</td>')
        rows.append(f'<tr data-component="{escape(comp.instance)}"><th title="'
                    f'{escape(comp.path or comp.file)}, sha256 {comp.sha256 or "(not embedded)"}">'
                    f'{escape(comp.label)}</th>{"".join(tds)}</tr>')
    rules = report.policy.rules if report.policy else ()
    policy = (f'<p class="policy">policy: {escape("; ".join(r.given for r in rules))}</p>'
              if rules else "")
    refused = "".join(
        f'<li data-holder="{escape(v.holder.instance)}" data-import="{escape(v.name)}" '
        f'data-rule="{escape(v.rule.given)}" data-chain="{escape(" -> ".join(v.chain))}">'
        f'{escape(v.text)}</li>' for v in violations_of(report))
    return (f'<h2>Capabilities</h2><div class="caps-scroll"><table class="capabilities">'
            f'<thead><tr><th></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
            f'<p class="hint">● held directly · ○ reached through the components it calls '
            f'(hover: the chain)</p>{policy}'
            + (f'<ul class="violations">{refused}</ul>' if refused else ""))


def _readable() -> float:
    """The least zoom that keeps the drawing's text at 10 px (and a hair)."""
    return 10.1 / FONT



def _counts(summary: dict[str, int], packages: int) -> list[str]:
    """The summary in a line, what is zero left out."""
    counts = [count(summary["components"], "component"), count(summary["plugged_imports"], "plugged import")]
    if summary["host_imports"]:
        counts.append(count(summary["host_imports"], "host import") + " in " + count(packages, "package"))
    return counts + [count(summary[f"{k}_dependencies"], f"{k} dependency", f"{k} dependencies")
                     for k in ("rejected", "unused") if summary[f"{k}_dependencies"]]


def _problems(report: CompositionReport, pic: Picture) -> str:
    """The problems; one that belongs to a link leads to it when clicked."""
    link_of = {(e.source, e.problem): k for k, link in enumerate(pic.links) for e in link.edges if e.problem}
    items = []
    for p in report.problems:
        k = link_of.get((p.node, p.message))
        goto = f' data-goto="link-{k}" tabindex="0"' if k is not None else ""
        items.append(f"<li{goto}>{escape(p.message)}</li>")
    return "".join(items)


def _details(report: CompositionReport, pic: Picture) -> dict[str, Any]:
    """What the panel shows for each box, link and host import. WIT texts are listed once
    and referred to by number: a host interface's WIT would otherwise be repeated for each
    component and link that uses it."""
    texts: dict[str, int] = {}

    def block(head: str, wit: str, marks: tuple[int, ...] = ()) -> dict[str, Any]:
        out: dict[str, Any] = {"head": head, "wit": texts.setdefault(wit, len(texts))}
        if marks:
            out["marks"] = list(marks)
        return out

    nodes = {n.id: n for n in report.nodes}
    items: dict[str, dict[str, Any]] = {}
    for box in pic.boxes:
        items[box.id] = _box_details(box, nodes, block)
        if len(box.members) > 1:
            for h in box.members:
                items[h.id] = {"title": h.name, "text": _host_text(h), "blocks": [block("", h.wit)]}
    wits = ({(n.id, i.name): i.wit for n in report.nodes for i in n.imports},
            {(n.id, i.name): i.wit for n in report.nodes for i in n.exports})
    for k, link in enumerate(pic.links):
        items[f"link-{k}"] = _link_details(link, nodes, wits, block)
    return {"items": items, "texts": list(texts)}


def _host_text(h: HostImportNode) -> str:
    return f"left for the host; used by {', '.join(h.users)}" + (" (semver-merged)" if h.semver_bridged else "")


def _box_details(box: Box, nodes: dict[str, ComponentNode], block: Block) -> dict[str, Any]:
    if box.kind == "exports":
        exported = nodes[box.id].exports
        return {"title": "what the composition exports", "text": count(len(exported), "export"),
                "blocks": [block("exports", "\n\n".join(i.wit for i in exported) or "(nothing)")]}
    if box.kind == "missing":
        return {"title": "unsatisfied import", "text": box.hover, "blocks": []}
    if box.kind == "host":
        # what all its imports share is said once; each import's own news in its heading
        users = {h.users for h in box.members}
        common = len(users) == 1
        text = count(len(box.members), "import") + " left for the host"
        text += f"; used by {', '.join(box.members[0].users)}" if common else ""
        blocks = [block(h.name + ("" if common else f" (used by {', '.join(h.users)})")
                        + (" (semver-merged)" if h.semver_bridged else ""), h.wit) for h in box.members]
        return {"title": f"{box.lines[0]} (host imports)", "text": text, "blocks": blocks}
    n = nodes[box.id]
    text = f"{n.file} ({size_text(n.size)}), {count(len(n.exports), 'export')}, {count(len(n.imports), 'import')}"
    if n.why:
        text += "\n" + why_text(n, "\n")
    blocks = [block("exports", "\n\n".join(i.wit for i in n.exports) or "(no exports)")]
    if n.imports:
        blocks.append(block("imports", "\n\n".join(i.wit for i in n.imports)))
    return {"title": f"{shown(n.id)} ({n.kind})", "text": text, "blocks": blocks}


def _link_details(link: Link, nodes: dict[str, ComponentNode], wits: tuple[dict[tuple[str, str], str], ...],
                  block: Block) -> dict[str, Any]:
    """A link's imports; a failed one's expected and offered WIT side by side."""
    imported, exported = wits  # (node, name) -> WIT
    title = f"{shown(link.source)} → {shown(link.target)}"
    if link.count > 1:
        title += f" ({link.count} imports)"
    if "host" in link.classes:
        title += ", left for the host"
    out: dict[str, Any] = {"title": title, "text": link.hover}
    e = link.edges[0]
    target = nodes.get(e.target)
    if e.problem and target is not None:  # a component offered something that did not fit
        offered = ("\n\n".join(i.wit for i in target.exports) if e.export_name is None  # the instance
                   else exported.get((e.target, e.export_name), ""))
        out["blocks"] = [block(s.head, s.wit, s.marks)
                         for s in sides(e, imported.get((e.source, e.import_name), ""), offered)]
        out["compare"] = True
    else:
        out["blocks"] = [block(x.import_name, imported.get((x.source, x.import_name), "")) for x in link.edges]
    return out


_CSS = """
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#fafbfc}
header{flex:none;display:flex;gap:1em;align-items:baseline;padding:8px 16px;border-bottom:1px solid #dde2ea;background:#fff;flex-wrap:wrap}
h1{font-size:17px;margin:0}h2{font-size:14px;margin:16px 0 6px}
.status{padding:2px 8px;border-radius:10px;font-weight:600}.status.ok{background:#e3f6e8;color:#17692f}.status.bad{background:#fde5e5;color:#a31515}
.counts{color:#555;font-size:13px}
.toolbar{flex:none;display:flex;gap:6px;align-items:center;padding:6px 10px;border-bottom:1px solid #e6e9ef;background:#fff}
.toolbar button{min-width:34px;padding:3px 8px;border:1px solid #c5cad3;border-radius:5px;background:#f7f8fa;cursor:pointer}
.toolbar input{margin-left:10px;padding:3px 8px;border:1px solid #c5cad3;border-radius:5px;width:240px}
#panel-toggle{margin-left:auto}
#found{color:#666;font-size:12px}.toolbar .hint{font-size:12px;margin-left:8px}
main{flex:1;min-height:0;display:flex}
.scroll{flex:1;min-width:0;overflow:auto;display:flex;cursor:grab}
.scroll.dragging{cursor:grabbing}
#graph{margin:auto;flex:none;display:block}
aside{width:440px;flex:none;overflow:auto;padding:0 16px 16px;border-left:1px solid #dde2ea;background:#fff;box-sizing:border-box;position:relative}
aside.wide{width:680px}aside.closed{display:none}
#panel-close{position:absolute;right:8px;top:8px;border:none;background:none;font-size:18px;cursor:pointer;color:#666}
table.summary{border-collapse:collapse}table.summary th{text-align:left;font-weight:normal;color:#555;padding:2px 12px 2px 0}
ul{padding-left:18px;margin:4px 0}.problems li{color:#a31515}.problems li[data-goto]{cursor:pointer;text-decoration:underline dotted}.warnings li{color:#8a5a00}
.legend{list-style:none;padding:0}.legend li{margin:3px 0}
.swatch{display:inline-block;width:22px;height:12px;border-radius:3px;margin-right:6px;vertical-align:middle;border:1px solid #6a7ba3}
.swatch.root{background:#cfe0ff;border-width:2px}.swatch.dependency{background:#eef3fb}.swatch.unused{background:#fff;border-style:dashed}
.swatch.rejected{background:#fff4f4;border:1px dashed #d22}.swatch.unreadable{background:#fff4f4;border:1px solid #d22}.swatch.hostimport{background:#f3f3f3;border-color:#999;border-radius:8px}
.line{display:inline-block;width:26px;height:0;border-top:2px solid #47609a;margin-right:6px;vertical-align:middle}
.line.denied{border-top:3px double #d22}.line.virtualized{border-top:2px dashed #7a4fb5}
.caps-scroll{overflow-x:auto}table.capabilities{border-collapse:collapse;font-size:12px}
table.capabilities th,table.capabilities td{border:1px solid #e1e6ee;padding:2px 5px;vertical-align:top;text-align:left}
table.capabilities thead th{background:#f5f7fa;white-space:nowrap}
.cap{display:block;white-space:nowrap;cursor:help}.cap.direct{font-weight:600}.cap.reachable{color:#555}
.cap.deny{color:#a31515;text-decoration:line-through}.cap.virtualize{color:#6b3fa0}.violations li{color:#a31515}
.line.semver{border-top:2px dashed #d9822b}.line.host{border-top-color:#9aa3b2}.line.problem{border-top-color:#d22}.line.near{border-top:2px dotted #c77700}
#details p{white-space:pre-wrap;overflow-wrap:anywhere}
#details figure{margin:8px 0}#details figcaption{font-size:12px;color:#555;margin-bottom:2px;overflow-wrap:anywhere}
#details pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f7fa;border:1px solid #e1e6ee;padding:8px;margin:0;font:12px/1.35 ui-monospace,Menlo,Consolas,monospace;max-height:55vh;overflow:auto}
#details .compare{display:grid;grid-template-columns:1fr 1fr;gap:8px}
#details mark{background:#ffe08a;display:block}
.hint{color:#777}
#graph [tabindex]:focus{outline:none}
#graph .node,#graph .edge,#graph .member{cursor:pointer}
#graph text{pointer-events:none}
#graph .edge:hover path.line{stroke-width:3.5}
#graph .node:hover rect.box,#graph .node.selected rect.box,#graph .node:focus-visible rect.box{stroke:#e0a100;stroke-width:3}
#graph .edge.selected path.line,#graph .edge:focus-visible path.line{stroke-width:4}
#graph .member:hover rect.row,#graph .member.selected rect.row{fill:#fff3c4}
#graph .dim{opacity:.15}
#graph .match rect.box{stroke:#e0a100;stroke-width:4}
#graph .arrived rect.box{stroke:#e07000;stroke-width:4}
"""

_JS = """
(function () {
  var READ = READABLE;  // the least zoom at which the drawing's text is 10 px
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var svg = document.getElementById('graph'), scroller = document.getElementById('scroll');
  var panel = document.getElementById('panel'), details = document.getElementById('details');
  var boxes = {}, edges = [], pinned = null;
  svg.querySelectorAll('g.node').forEach(function (n) { boxes[n.getAttribute('data-id')] = n; });
  svg.querySelectorAll('g.edge').forEach(function (e) { edges.push(e); });

  function show(id, pinning) {
    var d = data.items[id];
    if (!d) return;
    details.textContent = '';
    var h = document.createElement('h3'); h.textContent = d.title; details.appendChild(h);
    var p = document.createElement('p'); p.textContent = d.text; details.appendChild(p);
    var holder = document.createElement('div');
    if (d.compare) holder.className = 'compare';
    // wider for a comparison side by side, but only when clicked: a panel that widened as
    // the pointer passed would slide the drawing from under it
    if (pinning) panel.classList.toggle('wide', !!d.compare);
    (d.blocks || []).forEach(function (b) {
      var fig = document.createElement('figure');
      if (b.head) { var c = document.createElement('figcaption'); c.textContent = b.head; fig.appendChild(c); }
      var pre = document.createElement('pre'), marks = b.marks || [];
      data.texts[b.wit].split('\\n').forEach(function (line, k) {
        var el = document.createElement(marks.indexOf(k) >= 0 ? 'mark' : 'span');
        el.textContent = line + '\\n';
        pre.appendChild(el);
      });
      fig.appendChild(pre); holder.appendChild(fig);
    });
    details.appendChild(holder);
  }
  function openPanel(open) { panel.classList.toggle('closed', !open); }

  // zoom: the SVG keeps its viewBox, its size changes; the point in the middle stays put
  var baseW = svg.viewBox.baseVal.width, baseH = svg.viewBox.baseVal.height, scale = 1;
  function at(x, y) {  // where a point of the drawing is, in the scroller's content
    var r = svg.getBoundingClientRect(), s = scroller.getBoundingClientRect();
    return [r.left - s.left + scroller.scrollLeft + x * scale, r.top - s.top + scroller.scrollTop + y * scale];
  }
  function middle() {
    var r = svg.getBoundingClientRect(), s = scroller.getBoundingClientRect();
    return [(s.left + scroller.clientWidth / 2 - r.left) / scale, (s.top + scroller.clientHeight / 2 - r.top) / scale];
  }
  function centre(x, y) {
    var p = at(x, y);
    scroller.scrollLeft = p[0] - scroller.clientWidth / 2;
    scroller.scrollTop = p[1] - scroller.clientHeight / 2;
  }
  function zoom(s, keep) {
    var m = keep || middle();
    scale = Math.max(0.05, Math.min(4, s));
    svg.setAttribute('width', Math.ceil(baseW * scale));  // rounded up: never below the zoom asked
    svg.setAttribute('height', Math.ceil(baseH * scale));
    centre(m[0], m[1]);
  }
  function fitScale() {
    return Math.min((scroller.clientWidth - 16) / baseW, (scroller.clientHeight - 16) / baseH);
  }
  function zoomTo(el, least) {  // a box (or link) in the middle, readable at least
    var b = el.getBBox();
    zoom(Math.max(scale, least || READ), [b.x + b.width / 2, b.y + b.height / 2]);
  }
  function flash(el) {
    el.classList.add('arrived');
    setTimeout(function () { el.classList.remove('arrived'); }, 1200);
  }
  document.getElementById('zoom-in').addEventListener('click', function () { zoom(scale * 1.25); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoom(scale / 1.25); });
  document.getElementById('zoom-reset').addEventListener('click', function () { zoom(1); });
  document.getElementById('zoom-fit').addEventListener('click', function () { zoom(fitScale(), [baseW / 2, baseH / 2]); });
  var root = svg.querySelector('g.node.root, g.node.exports');
  document.getElementById('zoom-root').addEventListener('click', function () { if (root) { zoomTo(root); flash(root); } });
  scroller.addEventListener('wheel', function (ev) {
    if (!ev.ctrlKey) return;  // the wheel scrolls; with Ctrl (or a pinch) it zooms at the pointer
    ev.preventDefault();
    var r = svg.getBoundingClientRect();
    var p = [(ev.clientX - r.left) / scale, (ev.clientY - r.top) / scale];
    var before = [ev.clientX, ev.clientY];
    zoom(scale * (ev.deltaY < 0 ? 1.1 : 1 / 1.1), p);
    var after = svg.getBoundingClientRect();
    scroller.scrollLeft += after.left + p[0] * scale - before[0];
    scroller.scrollTop += after.top + p[1] * scale - before[1];
  }, {passive: false});
  document.addEventListener('keydown', function (ev) {
    if (ev.target.tagName === 'INPUT') return;
    if (ev.key === '+' || ev.key === '=') zoom(scale * 1.25);
    else if (ev.key === '-') zoom(scale / 1.25);
  });
  // drag the background to pan
  var drag = null;
  scroller.addEventListener('mousedown', function (ev) {
    if (ev.button !== 0 || ev.target.closest('[data-id]')) return;
    drag = [ev.clientX, ev.clientY, scroller.scrollLeft, scroller.scrollTop, false];
  });
  window.addEventListener('mousemove', function (ev) {
    if (!drag) return;
    if (Math.abs(ev.clientX - drag[0]) + Math.abs(ev.clientY - drag[1]) > 3) { drag[4] = true; scroller.classList.add('dragging'); }
    scroller.scrollLeft = drag[2] - (ev.clientX - drag[0]);
    scroller.scrollTop = drag[3] - (ev.clientY - drag[1]);
  });
  window.addEventListener('mouseup', function () { setTimeout(function () { drag = null; }, 0); scroller.classList.remove('dragging'); });

  // selection: a box keeps its own links and neighbours, a link its two ends; the rest fades
  function fade(keepBoxes, keepEdges) {
    var all = keepBoxes === null;
    edges.forEach(function (e) { e.classList.toggle('dim', !all && !keepEdges[e.id]); });
    Object.keys(boxes).forEach(function (id) { boxes[id].classList.toggle('dim', !all && !keepBoxes[id]); });
  }
  function fadeAround(id) {
    var near = {}, mine = {};
    near[id] = true;
    edges.forEach(function (e) {
      var s = e.getAttribute('data-source'), t = e.getAttribute('data-target');
      if (s === id || t === id) { mine[e.id] = true; near[s] = true; near[t] = true; }
    });
    fade(near, mine);
  }
  function unpin() {
    if (pinned) pinned.classList.remove('selected');
    pinned = null;
    fade(null, null);
    svg.querySelectorAll('g.members').forEach(function (m) { m.setAttribute('display', 'none'); });
  }
  function pin(el) {
    if (pinned) pinned.classList.remove('selected');
    pinned = el; el.classList.add('selected');
    show(el.getAttribute('data-id'), true);
    openPanel(true);
    if (!el.classList.contains('edge')) keepInView(el);  // a link goes to its other end
  }
  function keepInView(el) {  // the panel opened or widened narrows the pane: what was clicked stays in it
    var b = el.getBoundingClientRect(), s = scroller.getBoundingClientRect();
    var right = s.left + scroller.clientWidth, bottom = s.top + scroller.clientHeight;
    if (b.left >= s.left && b.right <= right && b.top >= s.top && b.bottom <= bottom) return;
    scroller.scrollLeft += b.left + b.width / 2 - (s.left + right) / 2;
    scroller.scrollTop += b.top + b.height / 2 - (s.top + bottom) / 2;
  }
  function toggleList(id) {  // one list open at a time: it covers what lies below its box
    svg.querySelectorAll('g.members').forEach(function (list) {
      var open = list.getAttribute('data-for') === id && list.getAttribute('display') === 'none';
      list.setAttribute('display', open ? 'inline' : 'none');
    });
  }
  function otherEnd(edge, ev) {  // the end that is not where we come from
    var s = boxes[edge.getAttribute('data-source')], t = boxes[edge.getAttribute('data-target')];
    var from = pinned && pinned.classList.contains('node') ? pinned : null;
    if (from === s || from === t) return from === s ? t : s;
    if (ev.clientX === undefined) return t;  // from the keyboard: the way the arrow points
    var r = svg.getBoundingClientRect(), x = (ev.clientX - r.left) / scale, y = (ev.clientY - r.top) / scale;
    var dist = function (n) { var b = n.getBBox(); return Math.hypot(b.x + b.width / 2 - x, b.y + b.height / 2 - y); };
    return dist(s) > dist(t) ? s : t;  // the far end of where it was clicked
  }
  svg.addEventListener('click', function (ev) {
    if (drag && drag[4]) return;
    var el = ev.target.closest('[data-id]');
    if (!el) { unpin(); return; }
    if (el.classList.contains('member')) { pin(el); return; }
    var wasPinned = pinned;
    if (el.classList.contains('edge')) {
      var to = otherEnd(el, ev);
      pin(el);  // first: the panel it opens narrows the pane
      var keep = {}, ends = {};
      keep[el.id] = true;
      ends[el.getAttribute('data-source')] = true; ends[el.getAttribute('data-target')] = true;
      fade(ends, keep);
      zoomTo(to);
      flash(to);
      return;
    }
    if (el.classList.contains('hostimport')) toggleList(el.getAttribute('data-id'));
    if (wasPinned !== el || el.classList.contains('hostimport')) { pin(el); fadeAround(el.getAttribute('data-id')); }
  });
  svg.addEventListener('dblclick', function (ev) {
    var el = ev.target.closest('g.node');
    if (el) zoomTo(el, Math.max(1.25, scale));
  });
  svg.addEventListener('mouseover', function (ev) {
    var el = ev.target.closest('[data-id]');
    if (el && !pinned) show(el.getAttribute('data-id'));
  });
  svg.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && ev.target.closest('[data-id]')) ev.target.closest('[data-id]').dispatchEvent(new MouseEvent('click', {bubbles: true}));
  });
  document.querySelectorAll('.problems li[data-goto]').forEach(function (li) {
    li.addEventListener('click', function () {
      var el = document.getElementById(li.getAttribute('data-goto'));
      pin(el); zoomTo(el);
    });
    li.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') li.click(); });
  });
  document.getElementById('panel-close').addEventListener('click', function () { openPanel(false); });
  document.getElementById('panel-toggle').addEventListener('click', function () { openPanel(panel.classList.contains('closed')); });

  // find: boxes whose name, file or imports contain the text; Enter goes to the next
  var found = document.getElementById('found'), hits = [], current = 0;
  function go(k) {
    if (!hits.length) return;
    current = (k + hits.length) % hits.length;
    zoomTo(hits[current]);
    found.textContent = hits.length + ' found' + (hits.length > 1 ? ' (' + (current + 1) + ', Enter: next)' : '');
  }
  var find = document.getElementById('find');
  find.addEventListener('input', function () {
    var text = find.value.trim().toLowerCase();
    hits = [];
    Object.keys(boxes).forEach(function (id) {
      var n = boxes[id], hit = text !== '' && n.getAttribute('data-search').indexOf(text) >= 0;
      n.classList.toggle('match', hit);
      if (hit) hits.push(n);
    });
    found.textContent = text === '' ? '' : hits.length + ' found';
    go(0);
  });
  find.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') go(current + 1); });

  // the first view: the side panel open when there are problems or the graph fits beside
  // it; the whole graph if it fits at a readable size (a small one a little larger), else
  // readable at the root
  function opening() {
    openPanel(true);
    if (document.body.getAttribute('data-problems') !== '1' && fitScale() < READ) openPanel(false);
    var fit = fitScale();
    zoom(Math.min(1.25, Math.max(READ, fit)), [baseW / 2, baseH / 2]);
    if (fit < READ && root) {
      var b = root.getBBox(), p = at(b.x, b.y + b.height / 2);
      scroller.scrollLeft = p[0] - 16;
      scroller.scrollTop = p[1] - scroller.clientHeight / 2;
    }
  }
  opening();
})();
"""
