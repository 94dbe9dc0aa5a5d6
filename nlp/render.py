"""Answer -> text for a terminal, or JSON for scripts."""

import dataclasses
import json

from .answer import Answer


def text(answer: Answer, *, sparql: bool = False, explain: bool = False, why: bool = False, advice: bool = True,
         label=None, width: int | None = None) -> str:
    """The one-sentence answer, then each item with where it comes from, then what was asked for
    (SPARQL, parse).

    An inference is counted ("follows from 2 facts"); ``why`` spells out each one's rule and
    premises with their sources, for every item of every kind of answer. ``advice`` False leaves
    out the next step.

    ``label`` names a class IRI for display (the lexicon's ``label``); without it the IRI's local name.
    ``width`` wraps the answer and its items at that many columns, at spaces, each continued line
    indented under its item (for a terminal; a pipe gets one line per item, for scripts).
    """
    if not advice:
        answer = dataclasses.replace(answer, advice=None)
    lines = _lines(answer, sparql, explain, why, label)
    # The answer and its items are prose; the parse and the SPARQL after them keep their shape.
    end = next((i for i, line in enumerate(lines) if line.startswith(("Parse:", "SPARQL:"))), len(lines))
    prose, rest = _cite(lines[:end], answer), lines[end:]
    if width:
        prose = [wrapped for line in prose for wrapped in _wrap(line, width)]
    return "\n".join(prose + rest) + "\n"


def _cite(lines: list[str], answer: Answer) -> list[str]:
    """Each source named once: its title in the text becomes a number, and the numbered titles
    follow the answer ("stated in [1]" ... "Sources:" / "  [1] <title>")."""
    items = answer.answers + (answer.advice.answers if answer.advice else [])
    titles = list(dict.fromkeys(t for item in items for t in item.sources))
    if not titles:
        return lines
    for number, title in enumerate(titles, 1):
        lines = [line.replace(f"“{title}”", f"[{number}]") for line in lines]
    return lines + ["Sources:"] + [f"  [{number}] {title}" for number, title in enumerate(titles, 1)]


def terminal_width(stream) -> int | None:
    """The width to wrap at when ``stream`` is a terminal (its size, or $COLUMNS), else None: no
    wrapping in a pipe."""
    import shutil

    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return max(40, shutil.get_terminal_size().columns)


def _wrap(line: str, width: int) -> list[str]:
    import textwrap

    body = line.lstrip(" ")
    indent = " " * (len(line) - len(body))
    hang = indent + ("    " if body.startswith("- ") else "  ")
    if len(line) <= width:
        return [line]
    return textwrap.wrap(body, width, initial_indent=indent, subsequent_indent=hang,
                         break_long_words=False, break_on_hyphens=False) or [line]


def _lines(answer: Answer, sparql: bool, explain: bool, why: bool, label) -> list[str]:
    label = label or _label
    lines = [answer.text]
    # A list's items are its members: the sentence names them all, so their lines add nothing.
    listed = answer.type not in ("definition", "yesno", "path", "list") or len(answer.answers) > 1 and answer.type == "yesno"
    if listed or why and answer.type != "path":
        for item in answer.answers:
            kind = f" ({label(item.type)})" if item.type else ""
            relation = f" [{item.relation}]" if item.relation else ""
            lines.append(f"  - {item.label}{kind}{relation}: {item.why if why else item.brief or item.why}")
    if answer.advice:
        lines.append(answer.advice.text)
    if not answer.understood and answer.suggestions and answer.type not in ("ambiguous", "unknown_term") \
            and not all(f"“{q}”" in answer.text for q in answer.suggestions):  # not when the text gave them
        lines.append("  Try: " + " | ".join(answer.suggestions))
    if explain and answer.explain:
        lines.append("Parse:")
        lines += [f"  {line}" for line in answer.explain]
    if sparql:
        lines.append("SPARQL:" if answer.sparql else "SPARQL: (none: nothing was queried)")
        if answer.sparql:
            lines += [f"  {line}" for line in answer.sparql.splitlines()]
    return lines


def json_text(answer: Answer, *, explain: bool = False, advice: bool = True) -> str:
    """One JSON object on one line: the documented shape of ``kg ask --json`` (``advice`` False:
    its "advice" is null)."""
    data = answer.to_json()
    if not advice:
        data["advice"] = None
    if explain:
        data["explain"] = answer.explain
    return json.dumps(data, ensure_ascii=False)


def _label(iri: str) -> str:
    """An IRI's local name (after its last '#' or '/'), for when no label function is given."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri
