"""``kg graph``: the network as a picture (SVG, PNG) or in exchange formats (DOT, Mermaid, GraphML, JSON).

Pictures put each class in its own column (the classes' kg:displayColumn: movements, then
muscles, then injuries, then exercises), so the story reads left to right; nodes are coloured by
class and edges carry their property's label. matplotlib is imported only here, only to draw.
"""

import io
import json
import re
import textwrap

from .errors import FormatError

FORMATS = ("svg", "png", "dot", "mermaid", "graphml", "json")
#: The most names a picture holds and stays readable: columns of this many boxes still leave room
#: for the links' labels (the whole shipped graph, 73 names, does not).
MAX_DRAWN, MAX_LINKS = 40, 60
# Distinct, colour-blind-friendly hues (Tableau 20's strong row first), enough for a kind each.
_PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7",
            "#79706e", "#a0cbe8", "#ffbe7d", "#8cd17d", "#86bcb6", "#f1ce63", "#d37295", "#b6992d", "#499894"]


def render(g, fmt: str) -> bytes:
    """The network ``g`` (from kg.network) in ``fmt``."""
    if fmt not in FORMATS:
        raise FormatError(f"unknown graph format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in ("svg", "png"):
        if g.number_of_nodes() > MAX_DRAWN or g.number_of_edges() > MAX_LINKS:
            raise FormatError(
                f"{g.number_of_nodes()} things and {g.number_of_edges()} links are too many to read in one "
                f"picture (at most {MAX_DRAWN} and {MAX_LINKS}); draw one thing's neighbourhood (kg graph \"runner's knee\" "
                "-o knee.png, --depth 1 or 2), or write --format dot or graphml for a tool that lays out "
                "large graphs (Graphviz, Gephi)")
        return picture(g, fmt)
    return {"dot": dot, "mermaid": mermaid, "graphml": graphml, "json": node_link}[fmt](g)


#: Other extensions people give these formats.
ALIASES = {"gv": "dot", "mmd": "mermaid", "xml": "graphml"}


def _columns(g) -> list[list[str]]:
    """Nodes grouped by display column, left to right.

    Within a column, nodes are ordered by the mean position of their neighbours in the other
    columns (the barycenter heuristic, a few sweeps), which keeps crossing edges few.
    """
    by_column: dict[int, list[str]] = {}
    for node, data in g.nodes(data=True):
        by_column.setdefault(data.get("column", 99), []).append(node)
    columns = [sorted(by_column[c], key=lambda n: (g.nodes[n].get("kind", ""), g.nodes[n].get("label", n).lower()))
               for c in sorted(by_column)]
    undirected = g.to_undirected(as_view=True)
    for _ in range(4):
        rank = {n: i / max(1, len(col) - 1) for col in columns for i, n in enumerate(col)}
        column_of = {n: x for x, col in enumerate(columns) for n in col}
        for col in columns:
            def centre(n, col=col):
                others = [rank[m] for m in undirected[n] if column_of[m] != column_of[n]]
                return (sum(others) / len(others)) if others else rank[n]
            col.sort(key=centre)
    return columns


def _colours(g) -> dict[str, str]:
    """One colour per kind of node (its class), the same in every picture: the class's own
    kg:displayColour, else one picked by its name; in column order, so the legend reads left to right."""
    import hashlib

    kinds = {}
    for _, d in sorted(g.nodes(data=True), key=lambda nd: (nd[1].get("column", 99), nd[1].get("kind", "other"))):
        kind = d.get("kind", "other")
        kinds.setdefault(kind, d.get("colour") or
                         _PALETTE[int(hashlib.sha256(kind.encode()).hexdigest(), 16) % len(_PALETTE)])
    return kinds


def picture(g, fmt: str) -> bytes:
    """Draw with matplotlib: columns by class, colours by class, arrows labelled with the property.

    Arrows start and end at the edge of each name's box, so every arrowhead shows; inferred facts
    are dashed; a link within a column bends out to the side.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    matplotlib.rcParams["svg.fonttype"] = "none"  # keep names as text in SVG: searchable, smaller
    columns = _columns(g)
    tallest = max((len(c) for c in columns), default=1)
    gap_x, gap_y = 3.2, 1.0
    width, height = max(6.0, 2.6 * len(columns) + 1.5), max(3.0, 0.62 * tallest + 1.6)
    fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    x_span = gap_x * max(1, len(columns) - 1) + 3.4
    y_span = gap_y * max(1, tallest - 1) + 1.6
    per_inch_x, per_inch_y = x_span / width, y_span / height
    position, colour, box = {}, {}, {}
    kinds = _colours(g)
    for x, column in enumerate(columns):
        for i, node in enumerate(column):
            position[node] = (x * gap_x, ((len(column) - 1) / 2 - i) * gap_y)
            colour[node] = kinds[g.nodes[node].get("kind", "other")]
            lines = textwrap.wrap(g.nodes[node].get("label", node), 18) or [""]
            # Half the box in data units: about 0.075 in per character and 0.17 in per line at 8 pt.
            box[node] = ((max(map(len, lines)) * 0.075 + 0.16) / 2 * per_inch_x, (len(lines) * 0.17 + 0.1) / 2 * per_inch_y)
    scale = (per_inch_x, per_inch_y)
    for u, v, data in g.edges(data=True):
        (x1, y1), (x2, y2) = position[u], position[v]
        same_column = abs(x1 - x2) < 1e-9
        start, end = _edge_of(position[u], position[v], box[u]), _edge_of(position[v], position[u], box[v])
        others = [(position[n], box[n]) for n in position if n not in (u, v)]
        if same_column:  # out to the right of the column and back
            start, end = (x1 + box[u][0], y1), (x2 + box[v][0], y2)
            rad = _clear_bend(start, end, others, scale, (-0.5, -0.8, -1.1) if y1 > y2 else (0.5, 0.8, 1.1))
        else:
            rad = _clear_bend(start, end, others, scale)
        arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, shrinkA=1, shrinkB=1,
                                connectionstyle=f"arc3,rad={rad}", color="#555555",
                                linewidth=0.9, linestyle="--" if data.get("inferred") else "-", alpha=0.85, zorder=1)
        ax.add_patch(arrow)
        # Long links get their label near the start, away from the crowded middle columns.
        t = 0.25 if abs(x2 - x1) > gap_x * 1.5 else 0.5
        lx, ly = _on_bend(start, end, rad, scale, 0.5 if same_column else t)
        ax.text(lx, ly, data.get("label", ""), fontsize=6.5, color="#333333", zorder=2,
                ha="center", va="center", bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85})
    focus = g.graph.get("focus")
    for node, (x, y) in position.items():
        label = "\n".join(textwrap.wrap(g.nodes[node].get("label", node), 18))
        # The thing a neighbourhood is drawn around stands out: a dark ring and a larger name.
        ring = {"ec": "#111111", "linewidth": 2.4} if node == focus else {"ec": "none"}
        ax.text(x, y, label, fontsize=9.5 if node == focus else 8, ha="center", va="center", color="white",
                fontweight="bold", zorder=3, bbox={"boxstyle": "round,pad=0.35", "fc": colour[node], **ring})
    for kind, c in kinds.items():
        ax.plot([], [], "s", color=c, label=kind)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(6, len(kinds)), fontsize=8, frameon=False)
    ax.set_xlim(-1.7, gap_x * max(0, len(columns) - 1) + 1.7)
    ax.set_ylim(-y_span / 2, y_span / 2)
    ax.axis("off")
    out = io.BytesIO()
    fig.savefig(out, format=fmt, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


#: Bends tried for a link, in order: nearly straight first, then further out on either side.
_BENDS = (0.05, 0.18, -0.18, 0.3, -0.3, 0.45, -0.45, 0.6, -0.6)


def _on_bend(start, end, rad, scale, t: float) -> tuple[float, float]:
    """The point at ``t`` (0..1) along matplotlib's arc3 curve from start to end with bend ``rad``.

    arc3 is a quadratic Bezier whose control point sits ``rad`` times the chord's length off its
    middle, measured on the page (inches), hence ``scale``: data units per inch in x and y.
    """
    (x0, y0), (x2, y2) = (start[0] / scale[0], start[1] / scale[1]), (end[0] / scale[0], end[1] / scale[1])
    cx, cy = (x0 + x2) / 2 + rad * (y2 - y0), (y0 + y2) / 2 - rad * (x2 - x0)
    x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x2
    y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y2
    return x * scale[0], y * scale[1]


def _clear_bend(start, end, boxes, scale, bends=_BENDS) -> float:
    """The first bend (see _BENDS) whose curve passes through none of the other names' boxes, else
    the one through fewest: links run around names, where the layout leaves room."""
    def hits(rad):
        points = [_on_bend(start, end, rad, scale, k / 24) for k in range(1, 24)]
        return sum(any(abs(px - x) < hw * 1.1 and abs(py - y) < hh * 1.3 for px, py in points)
                   for (x, y), (hw, hh) in boxes)

    return min(bends, key=lambda rad: (hits(rad), bends.index(rad)))


def _edge_of(centre, towards, half) -> tuple[float, float]:
    """Where the line from ``centre`` towards another point leaves a box of half-size ``half``."""
    (x, y), (tx, ty), (hw, hh) = centre, towards, half
    dx, dy = tx - x, ty - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min(hw / abs(dx) if dx else float("inf"), hh / abs(dy) if dy else float("inf"))
    return x + dx * scale, y + dy * scale


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(g) -> bytes:
    """Graphviz DOT: one rank per column, left to right."""
    lines = ["digraph kg {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=9];']
    kinds = _colours(g)
    for column in _columns(g):
        lines.append("  { rank=same;")
        for node in column:
            ring = ", penwidth=3, color=\"#111111\"" if node == g.graph.get("focus") else ""
            lines.append(f"    {_quote(node)} [label={_quote(g.nodes[node].get('label', node))}, "
                         f"fillcolor={_quote(kinds[g.nodes[node].get('kind', 'other')])}, fontcolor=white{ring}];")
        lines.append("  }")
    for u, v, data in g.edges(data=True):
        style = ", style=dashed" if data.get("inferred") else ""
        lines.append(f"  {_quote(u)} -> {_quote(v)} [label={_quote(data.get('label', ''))}{style}];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


def _mermaid_id(iri: str) -> str:
    return "n_" + re.sub(r"\W", "_", iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def mermaid(g) -> bytes:
    """A Mermaid flowchart (renders in Markdown on GitHub and GitLab)."""
    lines = ["flowchart LR"]
    ids = {}
    for node in g.nodes:
        ident = _mermaid_id(node)
        while ident in ids.values():
            ident += "_"
        ids[node] = ident
        label = g.nodes[node].get("label", node).replace('"', "'")
        lines.append(f'  {ident}["{label}"]')
    for u, v, data in g.edges(data=True):
        label = data.get("label", "").replace('"', "'").replace("|", "/")
        arrow = "-.->" if data.get("inferred") else "-->"
        lines.append(f'  {ids[u]} {arrow}|"{label}"| {ids[v]}')
    for i, (kind, colour) in enumerate(_colours(g).items()):
        members = [ids[n] for n, d in g.nodes(data=True) if d.get("kind", "other") == kind]
        lines.append(f"  classDef k{i} fill:{colour},color:#fff,stroke:none")
        lines.append(f"  class {','.join(members)} k{i}")
    if g.graph.get("focus") in ids:
        lines.append(f"  style {ids[g.graph['focus']]} stroke:#111,stroke-width:3px")
    return ("\n".join(lines) + "\n").encode()


def graphml(g) -> bytes:
    """GraphML for Gephi and Cytoscape (networkx's writer)."""
    import networkx as nx

    out = io.BytesIO()
    nx.write_graphml(g, out)
    return out.getvalue()


def node_link(g) -> bytes:
    """networkx node-link JSON, for web graph libraries."""
    import networkx as nx

    try:
        data = nx.node_link_data(g, edges="links")
    except TypeError:  # networkx < 3.4 has no 'edges' argument
        data = nx.node_link_data(g)
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()
