"""A process drawn as a self-contained SVG, for the process page and each case page.

States sit in rows from top to bottom: a state's row is its shortest distance from the initial
state over transitions, and states no transition reaches share a last row. Within a row, states
keep their order in the definition, so the same definition always gives the same drawing.
Forward transitions run downwards; those going back up run round the outside of the drawing (or
bow out to the side), and those along a row arc over or under it, so none lies on a forward one.

Labels and codes are typed by designers, so every one is XML-escaped and a colour must look like
``#1f6feb`` before it reaches an attribute. The SVG uses presentation attributes only: no
``<style>``, no script, no links, nothing fetched.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape  # nosec B406  # an escaping helper, nothing parsed

from workflows.choices import StateKind
from workflows.definition import ProcessDefinition, StateDef, TransitionDef

NODE_H, COL_GAP, ROW_GAP, PAD, MIN_NODE_W, MAX_LABEL = 54, 72, 100, 16, 150, 28
EDGE, EDGE_NEXT, CURRENT = "#6a737d", "#1f2328", "#d9480f"
KIND_COLOURS = {  # (fill, border) for a state without a colour of its own
    StateKind.INITIAL: ("#e3f2e8", "#2e7d4f"),
    StateKind.ACTIVE: ("#e6eefb", "#3b5ba9"),
    StateKind.WAITING: ("#fdf3dc", "#a0740c"),
    StateKind.TERMINAL: ("#eceff1", "#455a64"),
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
HALO = 'paint-order="stroke" stroke="#ffffff" stroke-width="4" stroke-linejoin="round"'
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")  # what ProcessState.colour accepts
# Characters XML 1.0 cannot carry even escaped, and lone surrogates UTF-8 cannot encode.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Quotes for attributes; whitespace as references so parsers keep it as typed in attributes.
_ENTITIES = {'"': "&quot;", "'": "&#x27;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    row: int
    first: bool  # leftmost of its row
    last: bool  # rightmost of its row

    cx = property(lambda self: self.x + self.w / 2)
    cy = property(lambda self: self.y + NODE_H / 2)
    right = property(lambda self: self.x + self.w)
    bottom = property(lambda self: self.y + NODE_H)


def render_process_svg(
    definition: ProcessDefinition, *, current_state: str | None = None, title: str = ""
) -> str:
    """The whole diagram as one ``<svg>`` element; ``current_state`` is highlighted if given."""
    unique: dict[str, StateDef] = {}
    for state in definition.states:
        unique.setdefault(state.code, state)  # a duplicated code (a draft) keeps its first state
    states = list(unique.values())
    current = unique.get(current_state)
    seed = repr((definition.states, definition.transitions, current_state, title))
    drawing = _Drawing(
        "process-diagram-" + hashlib.blake2s(seed.encode(), digest_size=4).hexdigest(),
        _layout(definition, states),
    )
    edges = [drawing.transition(t, current) for t in definition.transitions]
    nodes = [_node(state, drawing.boxes[state.code], state is current) for state in states]
    if not states:
        nodes.append('<text x="0" y="20" font-size="14">This process has no states.</text>')
        drawing.include(0, 0, 220, 28)

    name = f"Diagram of {title.strip() or 'the process'}"
    about = f"{len(states)} states, {len(definition.transitions)} transitions."
    if current:
        about += f" Current state: {current.label} ({current.code})."
    x, y, x2, y2 = drawing.bounds
    box = [_n(v) for v in (x - PAD, y - PAD, x2 - x + 2 * PAD, y2 - y + 2 * PAD)]
    markers = (
        f'<marker id="{drawing.uid}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for kind, colour in (("arrow", EDGE), ("arrow-next", EDGE_NEXT))
    )
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="process-diagram" id="{drawing.uid}" '
            f'viewBox="{" ".join(box)}" width="100%" style="max-width:{box[2]}px;height:auto" '
            f'role="img" aria-label="{_esc(name)}" font-family="{FONT}">',
            f"<title>{_esc(name)}</title><desc>{_esc(about)}</desc><defs>",
            *markers,
            f'</defs><rect x="{box[0]}" y="{box[1]}" width="{box[2]}" height="{box[3]}" rx="8" '
            'fill="#ffffff"/>',
            *edges,
            *nodes,
            "</svg>",
        ]
    )


def _layout(definition: ProcessDefinition, states: list[StateDef]) -> dict[str, _Box]:
    """Each state's box: its row is the breadth-first distance from the initial state(s)."""
    targets: dict[str, list[str]] = {state.code: [] for state in states}
    for t in definition.transitions:
        for source in t.sources:
            if source in targets and t.target in targets:
                targets[source].append(t.target)
    roots = [s.code for s in states if s.kind == StateKind.INITIAL] or [s.code for s in states[:1]]
    depth, queue = dict.fromkeys(roots, 0), deque(roots)
    while queue:
        code = queue.popleft()
        for nxt in targets[code]:
            if nxt not in depth:
                depth[nxt] = depth[code] + 1
                queue.append(nxt)
    unreachable = max(depth.values(), default=-1) + 1
    rows: dict[int, list[StateDef]] = {}
    for state in states:
        rows.setdefault(depth.get(state.code, unreachable), []).append(state)

    node_w = max(
        [MIN_NODE_W]
        + [
            max(_text_width(_short(s.label), 14.5), _text_width(_short(s.code), 12)) + 28
            for s in states
        ]
    )
    widest = max((len(row) for row in rows.values()), default=0)
    boxes = {}
    for index, row in enumerate(rows[key] for key in sorted(rows)):
        x0 = (widest - len(row)) * (node_w + COL_GAP) / 2
        for col, state in enumerate(row):
            x, y = x0 + col * (node_w + COL_GAP), index * (NODE_H + ROW_GAP)
            boxes[state.code] = _Box(x, y, node_w, index, col == 0, col == len(row) - 1)
    return boxes


class _Drawing:
    """Routes transitions between laid-out boxes, keeping labels clear of boxes and each other."""

    def __init__(self, uid: str, boxes: dict[str, _Box]):
        self.uid, self.boxes = uid, boxes
        self.taken = [(b.x, b.y, b.right, b.bottom) for b in boxes.values()]
        self.bounds = (0.0, 0.0, 0.0, 0.0)
        for rect in self.taken:
            self.include(*rect)
        self.centre = (self.bounds[0] + self.bounds[2]) / 2
        self.fan: dict[object, int] = {}

    def include(self, x: float, y: float, x2: float, y2: float) -> None:
        bx, by, bx2, by2 = self.bounds
        self.bounds = (min(bx, x, x2), min(by, y, y2), max(bx2, x, x2), max(by2, y, y2))

    def count(self, key) -> int:
        self.fan[key] = self.fan.get(key, -1) + 1
        return self.fan[key]

    def transition(self, t: TransitionDef, current: StateDef | None) -> str:
        """One group per transition: a path and its label from each source to the target."""
        parts = [
            f'<g class="transition" data-transition="{_esc(t.code)}">'
            f"<title>{_esc(f'{t.label} ({t.code})')}</title>"
        ]
        target, label = self.boxes.get(t.target), _short(t.label)
        for source_code in dict.fromkeys(t.sources):
            if (source := self.boxes.get(source_code)) is None or target is None:
                continue
            d, points, spots, anchor = self.route(source, target)
            for x, y in points:
                self.include(x, y, x, y)
            lx, ly = self.place(label, spots, anchor)
            nxt = current is not None and source_code == current.code
            colour, marker = (EDGE_NEXT, "arrow-next") if nxt else (EDGE, "arrow")
            parts.append(
                f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{2 if nxt else 1.5}"'
                f' marker-end="url(#{self.uid}-{marker})" data-source="{_esc(source_code)}"'
                + (' class="from-current"/>' if nxt else "/>")
                + f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" font-size="12" '
                f'fill="{colour}" {HALO}>{_esc(label)}</text>'
            )
        return "".join(parts) + "</g>"

    def place(self, label: str, spots: list[tuple[float, float]], anchor: str):
        """The first spot where the label overlaps no box and no label (else the first spot)."""
        width, rects = _text_width(label, 12), []
        for x, y in spots:
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            rects.append((left - 3, y - 14, left + width + 3, y + 5))  # a little air around
        clear = (
            r
            for r in rects
            if all(r[2] <= o[0] or o[2] <= r[0] or r[3] <= o[1] or o[3] <= r[1] for o in self.taken)
        )
        rect = next(clear, rects[0])
        self.taken.append(rect)
        self.include(*rect)
        return spots[rects.index(rect)]

    def route(self, s: _Box, t: _Box):
        """Path data, points bounding it, label spots (best first) and the label anchor."""
        if s is t:  # a small loop over the top-right corner, bigger for each further one
            reach = 34 + 16 * self.count(("loop", s))
            pts = [(s.right - 18, s.y), (s.right - 18, s.y - reach)]
            pts += [(s.right + reach, s.y + 16), (s.right, s.y + 16)]
            x, y = _bezier(pts, 0.5)
            return _curve(pts), pts, [(x + 6, y - 4), (x + 6, y + 10)], "start"
        nth = self.count((s, t))
        if t.row > s.row:  # forward: straight down, parallel ones bowed apart
            p0, p2 = (s.cx, s.bottom), (t.cx, t.y - 1)
            bow = (1 if nth % 2 else -1) * 40 * ((nth + 1) // 2)
            (dx, dy), mid = (p2[0] - p0[0], p2[1] - p0[1]), _bezier([p0, p2], 0.5)
            length = (dx * dx + dy * dy) ** 0.5
            pts = [p0, (mid[0] - dy / length * bow, mid[1] + dx / length * bow), p2]
            # Long paths are labelled in the first gap, where paths from one state are apart.
            first = min(0.5, ROW_GAP / 2 / dy)
            fractions = (first, first - 0.15, first + 0.15, first + 0.3)
        elif t.row == s.row:  # along a row: rightwards arcs over it, leftwards under it
            way = 1 if t.cx > s.cx else -1
            y, lift = (s.y if way > 0 else s.bottom), -way * (34 + 16 * nth)
            p0, p3 = (s.cx + way * s.w / 4, y), (t.cx - way * t.w / 4, y)
            pts = [p0, (p0[0], y + lift), (p3[0], y + lift), p3]
            fractions = (0.5, 0.3, 0.7)
        else:
            return self.route_back(s, t, nth)
        spots = [_bezier(pts, f) for f in fractions]
        return _curve(pts), pts, [(x, y + 4) for x, y in spots], "middle"

    def route_back(self, s: _Box, t: _Box, nth: int):
        """Back up: round the outside when both ends are on that side, else bowed to the side."""
        sides = [side for side, ok in ((1, s.last and t.last), (-1, s.first and t.first)) if ok]
        if not sides:
            p0, p3, bow = (s.cx + s.w / 4, s.y), (t.cx + t.w / 4, t.bottom + 1), 60 + 24 * nth
            pts = [p0, (p0[0] + bow, p0[1] - 30), (p3[0] + bow, p3[1] + 30), p3]
            spots = [_bezier(pts, f) for f in (0.5, 0.35, 0.65)]
            return _curve(pts), pts, [(x + 6, y + 4) for x, y in spots], "start"
        side = sides[0] if len(sides) == 1 else (1 if s.cx >= self.centre else -1)
        between = [b for b in self.boxes.values() if t.row <= b.row <= s.row]
        outer = max(b.right for b in between) if side > 0 else min(b.x for b in between)
        x = outer + side * (28 + 18 * self.count(("side", side)))
        p0, p3, r = (s.right if side > 0 else s.x, s.cy), (t.right if side > 0 else t.x, t.cy), 12
        d = f"M{_n(p0[0])},{_n(p0[1])} L{_n(x - side * r)},{_n(p0[1])} "
        d += f"Q{_n(x)},{_n(p0[1])} {_n(x)},{_n(p0[1] - r)} L{_n(x)},{_n(p3[1] + r)} "
        d += f"Q{_n(x)},{_n(p3[1])} {_n(x - side * r)},{_n(p3[1])} L{_n(p3[0])},{_n(p3[1])}"
        spots = [(x + side * 6, p3[1] + (p0[1] - p3[1]) * f + 4) for f in (0.5, 0.3, 0.7)]
        return d, [p0, p3, (x, p0[1])], spots, "start" if side > 0 else "end"


def _node(state: StateDef, box: _Box, is_current: bool) -> str:
    fill, border = KIND_COLOURS.get(state.kind, KIND_COLOURS[StateKind.ACTIVE])
    fill = state.colour if _HEX_COLOUR.fullmatch(state.colour) else fill
    red, green, blue = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    ink = "#ffffff" if 0.299 * red + 0.587 * green + 0.114 * blue < 140 else "#1f2328"
    stroke, width = (CURRENT, 4) if is_current else (border, 1.5)
    rect = f'x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{NODE_H}"'
    classes = f"state kind-{_esc(state.kind)}" + (" is-current" if is_current else "")
    aria = ' aria-current="step"' if is_current else ""
    parts = [
        f'<g class="{classes}" data-state="{_esc(state.code)}"{aria}>'
        f"<title>{_esc(f'{state.label} ({state.code})')}"
        f"{' — current state' if is_current else ''}</title>"
        f'<rect {rect} rx="10" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
    ]
    if state.kind == StateKind.TERMINAL:
        parts.append(
            f'<rect x="{_n(box.x + 4)}" y="{_n(box.y + 4)}" width="{_n(box.w - 8)}" '
            f'height="{NODE_H - 8}" rx="7" fill="none" stroke="{border}" stroke-width="1.5"/>'
        )
    parts.append(
        f'<text x="{_n(box.cx)}" y="{_n(box.y + 24)}" text-anchor="middle" font-size="14" '
        f'font-weight="600" fill="{ink}">{_esc(_short(state.label))}</text>'
        f'<text x="{_n(box.cx)}" y="{_n(box.y + 42)}" text-anchor="middle" font-size="12" '
        f'font-family="ui-monospace, monospace" fill="{ink}" opacity="0.75">'
        f"{_esc(_short(state.code))}</text></g>"
    )
    return "".join(parts)


def _bezier(points, f: float) -> tuple[float, float]:
    while len(points) > 1:
        points = [(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f) for a, b in pairwise(points)]
    return points[0]


def _curve(points) -> str:
    (x, y), rest = points[0], " ".join(f"{_n(px)},{_n(py)}" for px, py in points[1:])
    return f"M{_n(x)},{_n(y)} {'Q' if len(points) == 3 else 'C'}{rest}"


def _text_width(text: str, size: float) -> float:
    """A generous estimate: wide (CJK) characters take a full em, the rest about 0.6."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _short(text: str) -> str:
    text = " ".join(_UNWRITABLE.sub("", text).split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _esc(text: str) -> str:
    return escape(_UNWRITABLE.sub("", str(text)), _ENTITIES)


def _n(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text
