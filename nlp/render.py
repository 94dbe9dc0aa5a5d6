"""Answer -> text for a terminal, or JSON for scripts."""

import json

from kg import terms

from .answer import Answer


def text(answer: Answer, *, sparql: bool = False, explain: bool = False, label=None) -> str:
    """The one-sentence answer, then each item with why, then what was asked for (SPARQL, parse).

    ``label`` names a class IRI for display (the lexicon's ``label``); without it the IRI's local name.
    """
    label = label or _label
    lines = [answer.text]
    if answer.type not in ("definition", "yesno", "path") or len(answer.answers) > 1 and answer.type == "yesno":
        for item in answer.answers:
            kind = f" ({label(item.type)})" if item.type else ""
            relation = f" [{item.relation}]" if item.relation else ""
            lines.append(f"  - {item.label}{kind}{relation}: {item.why}")
    if not answer.understood and answer.suggestions and answer.type not in ("ambiguous", "unknown_term"):
        lines.append("  Try: " + " | ".join(answer.suggestions))
    if explain and answer.explain:
        lines.append("Parse:")
        lines += [f"  {line}" for line in answer.explain]
    if sparql:
        lines.append("SPARQL:" if answer.sparql else "SPARQL: (none: nothing was queried)")
        if answer.sparql:
            lines += [f"  {line}" for line in answer.sparql.splitlines()]
    return "\n".join(lines) + "\n"


def json_text(answer: Answer, *, explain: bool = False) -> str:
    """One JSON object on one line: the documented shape of ``kg ask --json``."""
    data = answer.to_json()
    if explain:
        data["explain"] = answer.explain
    return json.dumps(data, ensure_ascii=False)


def _label(iri: str) -> str:
    short = terms.shorten(iri)
    return short.split(":", 1)[1] if short.startswith("kg:") else short
