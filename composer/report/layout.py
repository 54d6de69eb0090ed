"""Where the boxes and links of a picture go: a layered drawing from left to right.

Boxes are text laid horizontally, so columns of them stack densely: the root in the first
column, each dependency one column right of its deepest user, the host packages last.
Between two box columns runs a column of links only. A link longer than one step passes
every column between as a thin slot of its own (a "dummy node"), and its label, if it has
one, is a slot of the column just before its target, sized to its text: nothing is ever
drawn over a box or a label, and nothing needs clipping. Slots are ordered in each column
by the mean position of their neighbours (fewer crossings) and placed as close to those
neighbours as their order and sizes allow (a pool-adjacent-violators pass per column), so
links run nearly straight. Links are horizontal inside columns and bend only in the gaps
between them.

Text cannot be measured here (there is no browser), so the drawing names monospace fonts
only (DejaVu Sans Mono, Menlo, Consolas advance 0.55-0.61 em per character) and sizes every
box and label at CHAR em per character: wide enough in any of them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right, insort

from ..errors import printable
from ..record import Record
from .picture import Box, Link, Picture, member_name

FONT = 12  # px, every text of the drawing
LINE = 16  # px per line of text
CHAR = 0.62  # em per character: the widest of the monospace fonts named, with a little to spare
PAD_X, PAD_Y = 10, 6  # inside a box, around its text
TOGGLE = 16  # room for the expand mark of a package box
LABEL_PAD = 4
PORT = 6  # px between two link ends on a box side
GAP_BOX, GAP_THIN = 14, 6  # vertical gap between two boxes; next to a link or a label
COLUMN_GAP = 28  # horizontal gap between columns: where links bend
LINK_COLUMN = 16  # the least width of a column only links pass
MARGIN = 16
SWEEPS = 8
FOLD_WIDTH = 1400  # px: a drawing wider is folded in bands when that brings it nearer...
WINDOW = (16, 10)  # ...a window's shape, width to height
GRID_FROM = 6  # unused dependencies with no link: up to so many stand in a column, more in a grid
GRID_WIDTH = 1200  # px, the least width of that grid's rows


class Place(Record):
    x: float
    y: float
    w: float
    h: float


class Route(Record):
    """A link's path (SVG `d`) and its label's place, if it has one."""

    d: str
    label: Place | None


class Layout(Record):
    width: float
    height: float
    boxes: dict  # box id -> Place
    routes: tuple  # Route per link of the picture, in its order
    lists: dict  # package box id -> Place of its expanded list of imports
    crossings: int  # pairs of links that cross (what the ordering keeps low)


def text_width(text: str, size: float = FONT) -> float:
    """The width of `text` as it is drawn: escaped as messages are (`printable`)."""
    text = printable(text)
    if text.isascii():
        cells = len(text)
    else:  # wide (CJK) characters take two cells, combining marks none
        cells = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
                    for c in text)
    return cells * CHAR * size


def box_size(box: Box) -> tuple[float, float]:
    w = max(text_width(line) for line in box.lines) + 2 * PAD_X
    if len(box.members) > 1:
        w += TOGGLE
    return w, len(box.lines) * LINE + 2 * PAD_Y


def label_size(lines: tuple[str, ...]) -> tuple[float, float]:
    return max(text_width(line) for line in lines) + 2 * LABEL_PAD, len(lines) * LINE + LABEL_PAD


def list_size(box: Box) -> tuple[float, float]:
    """The expanded list of a package box's imports."""
    w = max(text_width(member_name(h)) for h in box.members) + 2 * PAD_X
    return max(w, box_size(box)[0]), len(box.members) * LINE + 2 * PAD_Y


class _Slots:
    """Everything that takes room in a column: boxes, labels and links passing through."""

    def __init__(self) -> None:
        self.column: list[int] = []
        self.w: list[float] = []
        self.h: list[float] = []
        self.is_box: list[bool] = []
        self.up: list[list[int]] = []  # neighbours in the column to the left
        self.down: list[list[int]] = []  # and to the right

    def add(self, column: int, w: float, h: float, is_box: bool) -> int:
        self.column.append(column)
        self.w.append(w)
        self.h.append(h)
        self.is_box.append(is_box)
        self.up.append([])
        self.down.append([])
        return len(self.column) - 1

    def join(self, a: int, b: int) -> None:
        self.down[a].append(b)
        self.up[b].append(a)


def _ranks(pic: Picture) -> dict[str, int]:
    """Components by depth (unused ones beside the first dependencies), the marks of
    unsatisfied imports right of their importer, host packages in the last column."""
    rank = {b.id: (1 if b.kind == "unused" else b.depth) for b in pic.boxes if b.depth is not None}
    for link in pic.links:
        if link.target not in rank and "host" not in link.classes:
            rank[link.target] = rank[link.source] + 1
    last = max(rank.values(), default=-1) + 1
    return {b.id: rank.get(b.id, last) for b in pic.boxes}


def layout(pic: Picture) -> Layout:
    """The layered drawing; past GRID_FROM unused dependencies no link touches, those are
    packed in a grid below it (a column of 49 would make the drawing tall and thin, and
    "fit" a hairline)."""
    linked = {link.source for link in pic.links} | {link.target for link in pic.links}
    loose = [b for b in pic.boxes if b.kind == "unused" and b.id not in linked]
    if len(loose) <= GRID_FROM:
        return _folded(pic)
    drawn = _folded(pic.replace(boxes=tuple(b for b in pic.boxes if b not in loose)))
    sizes = [box_size(b) for b in loose]
    cell_w = max(w for w, _ in sizes) + COLUMN_GAP
    cell_h = max(h for _, h in sizes) + GAP_BOX
    # as wide as the drawing, or as a wide window when the drawing is narrower
    across = max(1, int((max(drawn.width, GRID_WIDTH) - 2 * MARGIN + COLUMN_GAP) // cell_w))
    places = dict(drawn.boxes)
    for k, (b, (w, h)) in enumerate(zip(loose, sizes)):
        places[b.id] = Place(MARGIN + (k % across) * cell_w, drawn.height + (k // across) * cell_h, w, h)
    rows = -(-len(loose) // across)
    width = max(drawn.width, MARGIN + min(across, len(loose)) * cell_w - COLUMN_GAP + MARGIN)
    height = drawn.height + rows * cell_h - GAP_BOX + MARGIN
    return drawn.replace(width=width, height=height, boxes=places)


def _folded(pic: Picture) -> Layout:
    """A drawing far wider than tall (a long chain) folded like a line of text: its columns
    in bands, one under the other, as many as bring it near a window's shape. A link from
    one band to another leaves its band at the right (left, going back) and enters the
    other at the left (right): one path of two pieces."""
    whole = _layered(pic)
    bands = round(math.sqrt(whole.width * WINDOW[1] / (whole.height * WINDOW[0])))
    if whole.width <= FOLD_WIDTH or bands < 2:
        return whole
    rank = _ranks(pic)
    per = -(-(max(rank.values()) + 1) // bands)
    band = {b.id: rank[b.id] // per for b in pic.boxes}
    boxes: list[list[Box]] = [[] for _ in range(bands)]
    ranks: list[dict[str, int]] = [{} for _ in range(bands)]
    for b in pic.boxes:
        boxes[band[b.id]].append(b)
        ranks[band[b.id]][b.id] = rank[b.id] % per + 1
    links: list[list[Link]] = [[] for _ in range(bands)]
    pieces: list[list[tuple[int, int]]] = []  # per link: (band, index of the link in it)
    for k, link in enumerate(pic.links):
        bs, bt = band[link.source], band[link.target]
        if bs == bt:
            links[bs].append(link)
            pieces.append([(bs, len(links[bs]) - 1)])
            continue
        out, into = f"\0fold-out-{k}", f"\0fold-in-{k}"  # no box is named so: unseen anchors
        forward = bt > bs
        boxes[bs].append(Box(out, "anchor", ("",), ""))
        ranks[bs][out] = per + 1 if forward else 0
        boxes[bt].append(Box(into, "anchor", ("",), ""))
        ranks[bt][into] = 0 if forward else per + 1
        links[bs].append(link.replace(target=out, label=()))
        links[bt].append(link.replace(source=into))
        pieces.append([(bs, len(links[bs]) - 1), (bt, len(links[bt]) - 1)])
    lays = [_layered(Picture(pic.title, tuple(boxes[i]), tuple(links[i])), ranks[i]) for i in range(bands)]
    tops = [0.0]
    for lay in lays[:-1]:
        tops.append(tops[-1] + lay.height)
    places, lists = {}, {}
    for lay, top in zip(lays, tops):
        places.update((i, p.replace(y=p.y + top)) for i, p in lay.boxes.items() if not i.startswith("\0"))
        lists.update((i, p.replace(y=p.y + top)) for i, p in lay.lists.items())
    routes = []
    for parts in pieces:
        ds, label = [], None
        for i, j in parts:
            route = lays[i].routes[j]
            ds.append(_shifted(route.d, tops[i]))
            if route.label is not None:
                label = route.label.replace(y=route.label.y + tops[i])
        routes.append(Route(" ".join(ds), label))
    return Layout(max(lay.width for lay in lays), tops[-1] + lays[-1].height, places, tuple(routes),
                  lists, sum(lay.crossings for lay in lays))


def _shifted(d: str, dy: float) -> str:
    """A path moved down by `dy`: every `x,y` of it."""
    return re.sub(r"(-?[0-9.]+),(-?[0-9.]+)", lambda m: f"{m.group(1)},{float(m.group(2)) + dy:.1f}", d)


def _layered(pic: Picture, rank: dict[str, int] | None = None) -> Layout:
    rank = rank if rank is not None else _ranks(pic)
    slots, slot_of, chains, labelled = _slots(pic, rank)
    columns, crossings = _order(slots, max(slots.column) + 1 if slots.column else 1)
    y = _place(slots, columns)
    x, widths = _columns(slots, columns)
    places = {}
    for b in pic.boxes:
        i = slot_of[b.id]
        places[b.id] = Place(x[2 * rank[b.id]], y[i] - slots.h[i] / 2, slots.w[i], slots.h[i])
    bottom = max((v + h / 2 for v, h in zip(y, slots.h)), default=0)  # links pass below boxes too
    routes = _routes(pic, places, chains, labelled, slots, x, widths, y, bottom)
    width = x[-1] + widths[-1] + MARGIN
    height = bottom + GAP_THIN * sum(1 for c in chains if not c) + MARGIN  # lanes of links back
    lists = _lists(pic, places, height)
    width = max([width, *(p.x + p.w + MARGIN / 2 for p in lists.values())])
    height = max([height, *(p.y + p.h + MARGIN / 2 for p in lists.values())])
    return Layout(width, height, places, tuple(routes), lists, crossings)


def _slots(pic: Picture, rank: dict[str, int]) -> tuple[_Slots, dict[str, int], list[list[int]], list[int | None]]:
    """A slot per box (as tall as its text, or as its link ends need), and for each link
    one per column it passes (its label's, sized to the text, next to its target); which
    slots each link passes, and which is its label."""
    leaving = {b.id: 0 for b in pic.boxes}  # link ends on a box's right side
    arriving = dict(leaving)  # and on its left
    for link in pic.links:
        leaving[link.source] += 1
        arriving[link.target] += 1
    slots = _Slots()
    slot_of: dict[str, int] = {}
    for b in pic.boxes:
        w, h = box_size(b)
        h = max(h, (max(leaving[b.id], arriving[b.id]) + 1) * PORT)
        slot_of[b.id] = slots.add(2 * rank[b.id], w, h, True)
    chains: list[list[int]] = []
    labelled: list[int | None] = []
    for link in pic.links:
        chain: list[int] = []
        label = None
        if rank[link.target] > rank[link.source]:  # else a link back: no slots
            last = 2 * rank[link.target] - 1
            prev = slot_of[link.source]
            for c in range(2 * rank[link.source] + 1, last + 1):
                if c == last and link.label:
                    label = slots.add(c, *label_size(link.label), False)
                cur = label if c == last and label is not None else slots.add(c, 0, 0, False)
                slots.join(prev, cur)
                chain.append(cur)
                prev = cur
            slots.join(prev, slot_of[link.target])
        chains.append(chain)
        labelled.append(label)
    return slots, slot_of, chains, labelled


def _lists(pic: Picture, places: dict[str, Place], height: float) -> dict[str, Place]:
    """Where each package box's list of imports opens: below the box, or above it when it
    would stick out of the drawing there and fits above (else the drawing grows)."""
    lists = {}
    for b in pic.boxes:
        if len(b.members) > 1:
            p = places[b.id]
            w, h = list_size(b)
            below, above = p.y + p.h + 2, p.y - h - 2
            top = below if below + h <= height - MARGIN / 2 or above < 0 else above
            lists[b.id] = Place(p.x, top, w, h)
    return lists


def _order(slots: _Slots, count: int) -> tuple[list[list[int]], int]:
    """Slots of each column in an order with few crossings (and how many): sweeps right and
    left, each sorting a column by the mean position of its neighbours; the best order seen
    wins."""
    columns: list[list[int]] = [[] for _ in range(count)]
    for i, c in enumerate(slots.column):
        columns[c].append(i)
    pos = [0.0] * len(slots.column)
    for col in columns:
        for k, i in enumerate(col):
            pos[i] = float(k)

    def sweep(cols: range, side: list[list[int]]) -> None:
        for c in cols:
            keys = []
            for i in columns[c]:
                near = side[i]
                keys.append((pos[near[0]] if len(near) == 1 else
                             sum(pos[j] for j in near) / len(near) if near else pos[i], pos[i], i))
            keys.sort()  # ties keep their previous order
            columns[c] = [i for _, _, i in keys]
            for k, i in enumerate(columns[c]):
                pos[i] = float(k)
    sweep(range(1, count), slots.up)
    best, fewest = [list(c) for c in columns], _crossings(slots, columns)
    for n in range(SWEEPS):
        if n % 2:  # ending on a sweep to the left groups links by target before their boxes
            sweep(range(count - 2, -1, -1), slots.down)
        else:
            sweep(range(1, count), slots.up)
        crossings = _crossings(slots, columns)
        if crossings <= fewest:
            best, fewest = [list(c) for c in columns], crossings
    return best, fewest


def _crossings(slots: _Slots, columns: list[list[int]]) -> int:
    """Pairs of links that cross between neighbouring columns: for each link in order of
    its left end, the links seen before it that end lower on the right."""
    index = [0] * len(slots.column)
    for col in columns:
        for k, i in enumerate(col):
            index[i] = k
    down, total = slots.down, 0
    for col in columns[:-1]:
        seen: list[int] = []
        for a in col:
            near = down[a]
            if len(near) == 1:  # most slots: a link passing through
                b = index[near[0]]
                total += len(seen) - bisect_right(seen, b)
                insort(seen, b)
                continue
            ends = sorted(index[b] for b in near)
            for b in ends:
                total += len(seen) - bisect_right(seen, b)
            for b in ends:
                insort(seen, b)
    return total


def _place(slots: _Slots, columns: list[list[int]]) -> list[float]:
    """The vertical centre of every slot: near its neighbours, in its column's order, apart
    by their sizes."""
    y = [0.0] * len(slots.column)
    offsets = [_offsets(col, slots) for col in columns]  # the order is fixed: so are the gaps
    for col, offs in zip(columns, offsets):
        for i, o in zip(col, offs):
            y[i] = o
    passes = [(range(1, len(columns)), slots.up), (range(len(columns) - 2, -1, -1), slots.down)]
    for n in range(SWEEPS):
        cols, side = passes[n % 2]
        for c in cols:
            col = columns[c]
            wanted = []
            for i in col:
                near = side[i]
                wanted.append(y[near[0]] if len(near) == 1 else
                              sum(y[j] for j in near) / len(near) if near else y[i])
            for i, v in zip(col, _pack(wanted, offsets[c])):
                y[i] = v
    lowest = min((y[i] - slots.h[i] / 2 for i in range(len(y))), default=0.0)
    return [v - lowest + MARGIN for v in y]


def _offsets(col: list[int], slots: _Slots) -> list[float]:
    """The least distance of each slot's centre from the first's: sizes and gaps."""
    out = [0.0]
    for a, b in zip(col, col[1:]):
        gap = GAP_BOX if slots.is_box[a] and slots.is_box[b] else GAP_THIN
        out.append(out[-1] + (slots.h[a] + slots.h[b]) / 2 + gap)
    return out


def _pack(wanted: list[float], offsets: list[float]) -> list[float]:
    """Centres as close to `wanted` as possible (least squares) that keep the order and the
    least distances: isotonic regression (pool adjacent violators) of the wanted positions
    less each slot's offset."""
    sums: list[float] = []
    counts: list[int] = []
    for w, o in zip(wanted, offsets):
        total, count = w - o, 1
        while sums and sums[-1] * count > total * counts[-1]:  # the previous block's mean is higher
            total += sums.pop()
            count += counts.pop()
        sums.append(total)
        counts.append(count)
    out: list[float] = []
    for total, count in zip(sums, counts):
        out += [total / count] * count
    return [z + o for z, o in zip(out, offsets)]


def _columns(slots: _Slots, columns: list[list[int]]) -> tuple[list[float], list[float]]:
    widths = [max((slots.w[i] for i in col), default=0.0) for col in columns]
    widths = [w if c % 2 == 0 else max(w, LINK_COLUMN) for c, w in enumerate(widths)]
    x = [float(MARGIN)]
    for w in widths[:-1]:
        x.append(x[-1] + w + COLUMN_GAP)
    return x, widths


def _routes(pic: Picture, places: dict[str, Place], chains: list[list[int]],
            labelled: list[int | None], slots: _Slots, x: list[float], widths: list[float],
            y: list[float], bottom: float) -> list[Route]:
    """Each link from its source's right side to its target's left side through its slots,
    the ends spread along the sides in the order of where the links go (no crossing at a
    box). A link back to the left (instances in a cycle, a failed composition) has no
    slots: it turns in the gaps next to its ends and runs back in a lane of its own below
    everything."""
    def centre(box: str) -> float:
        return places[box].y + places[box].h / 2

    out_y = _spread(places, [(link.source, y[chain[0]] if chain else centre(link.target))
                             for link, chain in zip(pic.links, chains)])
    in_y = _spread(places, [(link.target, y[chain[-1]] if chain else centre(link.source))
                            for link, chain in zip(pic.links, chains)])
    routes = []
    lane = bottom
    for k, link in enumerate(pic.links):
        s, t = places[link.source], places[link.target]
        start, end = (s.x + s.w, out_y[k]), (t.x, in_y[k])
        c = x.index(s.x)  # the source's column: boxes stand at its left edge
        if not chains[k]:
            lane += GAP_THIN
            routes.append(Route(_back(start, end, x[c] + widths[c], lane), None))
            continue
        points = [start, (x[c] + widths[c], start[1])]  # out of the source's column, straight
        label = None
        for i in chains[k]:
            c = slots.column[i]
            points += [(x[c], y[i]), (x[c] + widths[c], y[i])]
            if i == labelled[k]:
                label = Place(x[c] + (widths[c] - slots.w[i]) / 2, y[i] - slots.h[i] / 2,
                              slots.w[i], slots.h[i])
        routes.append(Route(_path([*points, end]), label))
    return routes


def _back(start: tuple[float, float], end: tuple[float, float], right: float, lane: float) -> str:
    """A link to the left: out to the edge of the source's column, down to its lane in the
    gap, back along the lane, and up into the target from the gap before it."""
    turn = COLUMN_GAP * 0.6
    return (f"M{start[0]:.1f},{start[1]:.1f} L{right:.1f},{start[1]:.1f} "
            f"C{right + turn:.1f},{start[1]:.1f} {right + turn:.1f},{lane:.1f} {right:.1f},{lane:.1f} "
            f"L{end[0]:.1f},{lane:.1f} C{end[0] - turn:.1f},{lane:.1f} {end[0] - turn:.1f},{end[1]:.1f} "
            f"{end[0]:.1f},{end[1]:.1f}")


def _spread(places: dict[str, Place], ends: list[tuple[str, float]]) -> list[float]:
    """Where each link end meets its box's side: spread evenly, ordered by the other end."""
    by_box: dict[str, list[int]] = {}
    for k, (box, _) in enumerate(ends):
        by_box.setdefault(box, []).append(k)
    out = [0.0] * len(ends)
    for box, ks in by_box.items():
        p = places[box]
        ks.sort(key=lambda k: ends[k][1])
        for n, k in enumerate(ks):
            out[k] = p.y + p.h * (n + 1) / (len(ks) + 1)
    return out


def _path(points: list[tuple[float, float]]) -> str:
    """Straight where two points are level and inside a column, a curve with level tangents
    between columns."""
    (x0, y0), rest = points[0], points[1:]
    d = [f"M{x0:.1f},{y0:.1f}"]
    inside = True  # from a box's side to its column's edge, then alternately gap and column
    for x1, y1 in rest:
        if x1 == x0 and y1 == y0:  # a box as wide as its column: no way to go to its edge
            inside = not inside
            continue
        if inside or abs(y1 - y0) < 0.05:
            d.append(f"L{x1:.1f},{y1:.1f}")
        else:
            mid = (x0 + x1) / 2
            d.append(f"C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")
        inside = not inside
        x0, y0 = x1, y1
    return " ".join(d)
