"""``kg validate``: check the stated graph against the SHACL shapes (pyshacl over rdflib).

Only stated triples are checked: inferences follow from them and would hide a missing type.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, Store, serialize

from . import terms
from .errors import ValidationError
from .load import load_file, read_bytes


@dataclass(frozen=True, order=True)
class Violation:
    """One failed check: the node it is about, the property path, and what is wrong."""

    focus: str
    path: str
    message: str


def validate(data: Sequence[Path | str] = (), shapes: Path | str = terms.SHAPES) -> list[Violation]:
    """The violations of the shipped ontology plus ``data`` against ``shapes``; empty when valid.

    Raises DataError for an input that cannot be parsed, ValidationError for unusable shapes.
    """
    import rdflib
    from pyshacl import validate as shacl

    store = Store()
    for path in [terms.ONTOLOGY, *(Path(p) for p in data)]:
        load_file(store, path, read_bytes(path))
    data_graph = rdflib.Graph()
    data_graph.parse(data=serialize((q.triple for q in store), format=RdfFormat.N_TRIPLES), format="nt")
    shapes_graph = rdflib.Graph()
    shapes_store = Store()
    load_file(shapes_store, Path(shapes), read_bytes(Path(shapes)))
    shapes_graph.parse(data=serialize((q.triple for q in shapes_store), format=RdfFormat.N_TRIPLES), format="nt")
    try:
        _, report, _ = shacl(data_graph, shacl_graph=shapes_graph, advanced=True, inference="none",
                             allow_warnings=True)
    except Exception as e:  # pyshacl raises its own types for broken shapes
        raise ValidationError(f"{shapes}: cannot use these shapes: {e}") from None
    return sorted(_violations(report))


def _violations(report) -> set[Violation]:
    rows = report.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?focus ?path ?message WHERE {
            ?r a sh:ValidationResult ; sh:focusNode ?focus .
            OPTIONAL { ?r sh:resultPath ?path }
            OPTIONAL { ?r sh:resultMessage ?message }
        }""")
    return {Violation(_show(focus), _show(path) if path is not None else "-", _message(message))
            for focus, path, message in rows}


def _show(node) -> str:
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return terms.shorten(str(node))
    if isinstance(node, rdflib.BNode):
        return "_:" + str(node)
    return str(node)


def _message(message) -> str:
    """The shape's message, with full IRIs that pyshacl filled in shortened to prefixed names."""
    import re

    text = str(message) if message is not None else "constraint violated"
    return re.sub(r"<(https?://[^>\s]+)>|(https?://[^\s<>,]+)", lambda m: terms.shorten(m.group(1) or m.group(2)), text)
