"""The picture as SVG: what the HTML page shows, and on its own (`-f svg`) a standalone
document whose styles are inside it, so it needs no script and no page to look right.

Links are drawn first, then boxes over them, then (on the page only) the hidden lists a
package box expands into. Every element says what it is in its <title>: hovering shows it.
"""

from __future__ import annotations

import html
import math

from ..errors import printable
from .layout import FONT, LABEL_PAD, LINE, MARGIN, PAD_X, PAD_Y, TOGGLE, Layout, Place, layout, text_width
from .contents import CompositionReport
from .picture import Box, Link, Picture, member_name, picture

BASELINE = 12  # px from the top of a line of text to its baseline
MONOSPACE = "ui-monospace,'SF Mono',Menlo,Consolas,'DejaVu Sans Mono','Liberation Mono',monospace"
COLOURS = {"": "#47609a", "host": "#9aa3b2", "semver": "#d9822b", "problem": "#d22", "near": "#c77700",
           "denied": "#d22", "virtualized": "#7a4fb5"}
# which class of a link says how it is drawn (its arrow head, its line in the legend)
_FIRST = ("denied", "virtualized", "problem", "near", "semver", "host")

STYLE = f"""
text{{font-family:{MONOSPACE};font-size:{FONT}px;fill:#1d2330}}
.node rect.box{{fill:#eef3fb;stroke:#6a7ba3;stroke-width:1.2}}
.node.root rect.box,.node.exports rect.box{{fill:#cfe0ff;stroke:#24448f;stroke-width:2.5}}
.node.unused rect.box{{fill:#fff;stroke-dasharray:5 3}}
.node.rejected rect.box{{fill:#fff4f4;stroke:#d22;stroke-width:1.6;stroke-dasharray:5 3}}
.node.rejected text.tag{{fill:#b01515;font-weight:bold}}
.node.unreadable rect.box{{fill:#fff4f4;stroke:#d22;stroke-width:1.6}}
.node.unreadable text.tag{{fill:#b01515;font-weight:bold}}
.node.unused text.tag{{fill:#6b7280}}
.node.hostimport rect.box{{fill:#f3f3f3;stroke:#999}}
.node.missing rect.box{{fill:#fff0f0;stroke:#d22}}.node.missing text{{fill:#b01515}}
.node text.name{{font-weight:bold}}.node text.meta{{fill:#5a6375}}
.node path.toggle{{fill:#6b7280}}
.edge path.line{{fill:none;stroke:{COLOURS['']};stroke-width:1.6}}
.edge.host path.line{{stroke:{COLOURS['host']};stroke-width:1.2}}
.edge.semver path.line{{stroke:{COLOURS['semver']};stroke-dasharray:6 4}}
.edge.problem path.line{{stroke:{COLOURS['problem']};stroke-width:2}}
.edge.near path.line{{stroke:{COLOURS['near']};stroke-width:2;stroke-dasharray:2 3}}
.edge.denied path.line{{stroke:{COLOURS['denied']};stroke-width:2.5;stroke-dasharray:1 3 8 3}}
.edge.virtualized path.line{{stroke:{COLOURS['virtualized']};stroke-width:2;stroke-dasharray:6 3}}
.edge.denied .label rect{{fill:#fff7f7;stroke:#d22}}.edge.denied .label text{{fill:#b01515}}
.edge.virtualized .label rect{{fill:#f6f1fc;stroke:#b9a0dc}}.edge.virtualized .label text{{fill:#5b3591}}
.edge path.hit{{fill:none;stroke:transparent;stroke-width:10}}
.edge .label rect{{fill:#fff;stroke:#d5dae3}}.edge .label text{{fill:#3b4f80}}
.edge.problem .label rect{{fill:#fff7f7;stroke:#f0b4b4}}.edge.problem .label text{{fill:#b01515}}
.members rect.list{{fill:#fff;stroke:#999;filter:drop-shadow(0 2px 3px rgba(0,0,0,.25))}}
.members rect.row{{fill:transparent}}
"""


def escape(text: str) -> str:
    """Text for SVG and HTML: markup characters as entities, and the controls a name may
    hold (which XML cannot, and which mean nothing drawn) escaped as messages escape them;
    line breaks kept (a tooltip's lines)."""
    return html.escape("\n".join(map(printable, text.split("\n"))))


def render_svg(report: CompositionReport) -> str:
    """A standalone SVG document of the report: the drawing under its title, over a legend of
    what it shows (a file seen alone has no page around it to say either)."""
    pic = picture(report)
    lay = layout(pic)
    legend = _legend(pic)
    head = _HEAD if pic.title else 0
    title_w = text_width(pic.title, _TITLE_FONT) + 2 * MARGIN
    rows = _rows(legend, max(lay.width, title_w, 480.0) - 2 * MARGIN)
    w = max(lay.width, title_w, *(_row_width(r) + 2 * MARGIN for r in rows))
    h = head + lay.height + len(rows) * LINE + (MARGIN if rows else 0)
    out = [_open(pic.title, w, h, interactive=False),
           f'<text class="heading" x="{MARGIN}" y="{MARGIN + BASELINE + 2}" '
           f'style="font-size:{_TITLE_FONT}px;font-weight:bold">{escape(pic.title)}</text>',
           f'<g transform="translate(0,{head})">{_body(pic, lay, interactive=False)}</g>',
           f'<g class="legend" transform="translate({MARGIN},{head + lay.height:.1f})">']
    for k, row in enumerate(rows):
        x = 0.0
        for swatch, text in row:
            out.append(swatch(x, k * LINE) + f'<text x="{x + _SWATCH + 6:.1f}" y="{k * LINE + BASELINE:.1f}">'
                       f'{escape(text)}</text>')
            x += _entry_width(text)
    out.append("</g></svg>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(out) + "\n"


_HEAD = 36  # px above the drawing: its title
_TITLE_FONT = 16
_SWATCH = 22  # px wide, a legend's sample of a box or a line
_BOXES = {  # kind: fill, stroke, dashes, legend text
    "root": ("#cfe0ff", "#24448f", "", "root component (its exports are the output's)"),
    "exports": ("#cfe0ff", "#24448f", "", "what the composition exports"),
    "dependency": ("#eef3fb", "#6a7ba3", "", "dependency instance"),
    "unused": ("#fff", "#6a7ba3", "5 3", "dependency that satisfies nothing (left out)"),
    "rejected": ("#fff4f4", "#d22", "5 3", "dependency whose export was rejected"),
    "unreadable": ("#fff4f4", "#d22", "", "input that cannot be read"),
    "host": ("#f3f3f3", "#999", "", "imports left for the host, one box per package"),
    "missing": ("#fff0f0", "#d22", "", "an import nobody satisfies"),
}
_LINES = {  # a link's class: dashes, legend text
    "": ("", "import satisfied by an export"),
    "semver": ("6 4", "satisfied across semver-compatible versions"),
    "host": ("", "imports passed to the host; ×N: N imports in one line"),
    "near": ("2 3", "passed to the host though a dependency came close"),
    "problem": ("", "unsatisfied or mismatched import, with the reason"),
    "denied": ("1 3 8 3", "import refused by the capability policy, with the rule"),
    "virtualized": ("6 3", "import plugged by a synthesized adapter (virtualized)"),
}


def _legend(pic: Picture) -> list[tuple]:
    """A sample and a line of text for each kind of box and of link the drawing has."""
    kinds = {b.kind for b in pic.boxes}
    classes = {next((c for c in _FIRST if c in link.classes), "")
               for link in pic.links}

    def box(kind: str):  # type: ignore[no-untyped-def]
        fill, stroke, dashes, _ = _BOXES[kind]
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        return lambda x, y: (f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="{_SWATCH}" height="12" rx="3" '
                             f'fill="{fill}" stroke="{stroke}"{dash}/>')

    def line(cls: str):  # type: ignore[no-untyped-def]
        dashes = _LINES[cls][0]
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        return lambda x, y: (f'<path d="M{x:.1f},{y + 8:.1f} h{_SWATCH}" stroke="{COLOURS[cls]}" '
                             f'stroke-width="2" fill="none"{dash}/>')

    return ([(box(k), _BOXES[k][3]) for k in _BOXES if k in kinds]
            + [(line(c), _LINES[c][1]) for c in _LINES if c in classes])


def _entry_width(text: str) -> float:
    return _SWATCH + 6 + text_width(text) + 24


def _row_width(row: list[tuple]) -> float:
    return sum(_entry_width(text) for _, text in row)


def _rows(entries: list[tuple], width: float) -> list[list[tuple]]:
    """The legend's entries in rows no wider than `width` (one at least in each)."""
    rows: list[list[tuple]] = []
    for entry in entries:
        if rows and _row_width(rows[-1]) + _entry_width(entry[1]) <= width:
            rows[-1].append(entry)
        else:
            rows.append([entry])
    return rows


def _marker(kind: str) -> str:
    return (f'<marker id="arrow{"-" + kind if kind else ""}" viewBox="0 0 10 10" refX="10" refY="5" '
            f'markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{COLOURS[kind]}"/></marker>')


def draw(pic: Picture, lay: Layout, interactive: bool) -> str:
    """The <svg> element; `interactive` adds what the page's script uses (focus, the lists
    package boxes expand into)."""
    return _open(pic.title, lay.width, lay.height, interactive) + _body(pic, lay, interactive) + "</svg>"


def _open(title: str, width: float, height: float, interactive: bool) -> str:
    """The <svg> start tag, its style and its arrow heads."""
    w, h = math.ceil(width), math.ceil(height)
    return "".join([
        f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{escape(title)}">',
        # on the page the title would be the tooltip of every empty spot
        "" if interactive else f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "<defs>" + "".join(_marker(k) for k in COLOURS) + "</defs>",
    ])


def _body(pic: Picture, lay: Layout, interactive: bool) -> str:
    """The links, then the boxes over them, then (on the page) the lists boxes expand into."""
    out = ['<g class="links">']
    for k, (link, route) in enumerate(zip(pic.links, lay.routes)):
        out.append(_link(k, link, route.d, route.label, interactive))
    out.append('</g><g class="boxes">')
    for box in pic.boxes:
        out.append(_box(box, lay.boxes[box.id], interactive))
    out.append("</g>")
    if interactive:
        out.append('<g class="lists">')
        out += [_members(box, lay.lists[box.id]) for box in pic.boxes if box.id in lay.lists]
        out.append("</g>")
    return "".join(out)


def _link(k: int, link: Link, d: str, label: Place | None, interactive: bool) -> str:
    marker = "arrow" + next((f"-{c}" for c in _FIRST if c in link.classes), "")
    classes = " ".join(("edge", *link.classes))
    focus = ' tabindex="0"' if interactive else ""
    parts = [
        f'<g class="{classes}" id="link-{k}" data-id="link-{k}" data-source="{escape(link.source)}" '
        f'data-target="{escape(link.target)}"{focus}><title>{escape(link.hover)}</title>'
        f'<path class="hit" d="{d}"/><path class="line" d="{d}" marker-end="url(#{marker})"/>'
    ]
    if label is not None:
        parts.append(f'<g class="label"><rect x="{label.x:.1f}" y="{label.y:.1f}" width="{label.w:.1f}" '
                     f'height="{label.h:.1f}" rx="3"/>')
        cx = label.x + label.w / 2
        for i, line in enumerate(link.label):
            y = label.y + LABEL_PAD / 2 + i * LINE + BASELINE
            parts.append(f'<text x="{cx:.1f}" y="{y:.1f}" text-anchor="middle">{escape(line)}</text>')
        parts.append("</g>")
    parts.append("</g>")
    return "".join(parts)


def _box(box: Box, p: Place, interactive: bool) -> str:
    classes = {"host": "node hostimport", "missing": "node missing"}.get(box.kind, f"node component {box.kind}")
    focus = ' tabindex="0"' if interactive else ""
    parts = [
        f'<g class="{classes}" data-id="{escape(box.id)}" data-search="{escape(box.search)}"{focus}>'
        f'<title>{escape(box.hover)}</title>'
        f'<rect class="box" x="{p.x:.1f}" y="{p.y:.1f}" width="{p.w:.1f}" height="{p.h:.1f}" '
        f'rx="{14 if box.kind == "host" else 6}"/>'
    ]
    for i, line in enumerate(box.lines):
        kind = ("name", "meta", "tag")[min(i, 2)]  # the third: unused, rejected, unreadable
        y = p.y + PAD_Y + i * LINE + BASELINE
        parts.append(f'<text class="{kind}" x="{p.x + PAD_X:.1f}" y="{y:.1f}">{escape(line)}</text>')
    if interactive and len(box.members) > 1:  # expands into its list of imports: a triangle says so
        tx, ty = p.x + p.w - PAD_X - TOGGLE / 2, p.y + PAD_Y + LINE + 5
        parts.append(f'<path class="toggle" d="M{tx - 4:.1f},{ty:.1f} h8 l-4,6 z"/>')
    parts.append("</g>")
    return "".join(parts)


def _members(box: Box, p: Place) -> str:
    """The hidden list of a package's imports, one clickable row each."""
    parts = [f'<g class="members" data-for="{escape(box.id)}" display="none">'
             f'<rect class="list" x="{p.x:.1f}" y="{p.y:.1f}" width="{p.w:.1f}" height="{p.h:.1f}" rx="4"/>']
    for i, h in enumerate(box.members):
        top = p.y + PAD_Y + i * LINE
        parts.append(
            f'<g class="member" data-id="{escape(h.id)}"><title>{escape(h.name)}</title>'
            f'<rect class="row" x="{p.x:.1f}" y="{top:.1f}" width="{p.w:.1f}" height="{LINE}"/>'
            f'<text x="{p.x + PAD_X:.1f}" y="{top + BASELINE:.1f}">{escape(member_name(h))}</text></g>'
        )
    parts.append("</g>")
    return "".join(parts)
