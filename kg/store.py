"""The embedded store: the shipped ontology plus the user's files, with inferences, in pyoxigraph.

Parsing and reasoning run once per set of inputs; the result is cached as N-Quads keyed by the
content of every input, so later commands only load the cache (a few milliseconds).
"""

import os
import re
from collections.abc import Sequence
from typing import Protocol
from pathlib import Path

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat, Store, serialize

from . import cache, terms
from .load import load_file, read_bytes


class GraphReader(Protocol):
    """What every command and the question parser read a graph through: the embedded store and
    a ``--store`` (KnowledgeGraph) and a SPARQL endpoint (kg.remote.RemoteGraph) all provide it."""

    remote: bool  # whether queries go over the network (so a process running them needs it)

    def query(self, sparql: str, bindings: dict | None = None, **dataset): ...

    def select(self, sparql: str, bindings: dict | None = None) -> list[dict]: ...

    def ask(self, sparql: str, bindings: dict | None = None) -> bool: ...

    def graphs(self, s, p, o) -> set[str]:
        """The names of the graphs holding a triple; "" stands for the stated facts."""

    def reopen(self) -> "GraphReader":
        """The same graph, for a forked child."""

    def cache_path(self, kind: str) -> Path | None:
        """Where work derived from this graph (the parser's vocabulary) is kept; None: nowhere,
        build it afresh each time."""

    def __len__(self) -> int: ...


class Reader:
    """The ways to read a graph that follow from its ``query``: rows as dicts or as tuples, and
    ASK answers. Shared by the embedded store and a remote endpoint (kg.remote)."""

    remote = False  # whether queries go over the network (so a process running them needs it)

    def select(self, sparql: str, bindings: dict | None = None) -> list[dict]:
        """The rows of a SELECT query, each a dict from variable name to term (unbound ones left out)."""
        results = self.query(sparql, bindings)
        names = [v.value for v in results.variables]
        rows = []
        for solution in results:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term
            rows.append(row)
        return rows

    def rows(self, sparql: str) -> list[tuple]:
        """The rows of a SELECT as tuples of plain strings (None where unbound): the fast way to read
        many rows. The engine writes them as TSV in one go and they are split here, without a
        Python object per term: about 1.6x faster than reading each solution at a million triples.
        Each value is what ``term.value`` gives: an IRI, a literal's lexical form, a blank node's id."""
        text = self.query(sparql).serialize(format=QueryResultsFormat.TSV).decode()
        lines = text.split("\n")
        found = []
        for line in lines[1:-1]:  # after the header, one line per row, each ended by a newline
            found.append(tuple(_tsv_value(cell) for cell in line.split("\t")))
        return found

    def ask(self, sparql: str, bindings: dict | None = None) -> bool:
        """The answer of an ASK query."""
        return bool(self.query(sparql, bindings))


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


def _tsv_value(cell: str) -> str | None:
    """A SPARQL TSV cell (a term in Turtle syntax) as ``term.value`` would give it."""
    if not cell:
        return None
    if cell[0] == "<":
        return cell[1:-1]
    if cell[0] == '"':
        value = cell[1:cell.rindex('"')]
        return _ESCAPE.sub(_unescape, value) if "\\" in value else value
    if cell.startswith("_:"):
        return cell[2:]
    return cell  # a number or boolean written bare


def _unescape(match: re.Match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ESCAPES[match.group(3)]


class KnowledgeGraph(Reader):
    """A loaded, inferred dataset ready for SPARQL.

    Queries see the union of all graphs as their default graph: the stated facts, the graphs of
    quad files, and the inferences (each in the named graph of its rule).
    """

    def __init__(self, store: Store, key: str = "", inputs: Sequence[Path] = (), path: Path | None = None):
        self.store = store
        self.key = key
        self.inputs = list(inputs)
        self.path = path  # the on-disk generation of a persistent store (kg.disk); None in memory

    def reopen(self) -> "KnowledgeGraph":
        """The same graph, for a forked child: a persistent store is opened afresh, read-only."""
        if self.path is None:
            return self
        return KnowledgeGraph(Store.read_only(str(self.path)), self.key, self.inputs, self.path)

    def cache_path(self, kind: str) -> Path:
        """Where a file derived from this graph is kept: inside a persistent store, else per user."""
        if self.path is not None and os.access(self.path, os.W_OK):
            return self.path / kind
        if self.path is not None and (self.path / kind).exists():
            return self.path / kind
        return cache.directory() / f"{self.key}.{kind}"

    def query(self, sparql: str, bindings: dict | None = None, *, default_graph: list | None = None,
              named_graphs: list | None = None, base_iri: str | None = None) -> QuerySolutions | QueryBoolean | QueryTriples:
        """Run a SPARQL query with the ontology's prefixes pre-declared.

        ``bindings`` maps variable names to RDF terms, substituted by the engine (never pasted into
        the query text); pyoxigraph requires each bound variable to be in the SELECT projection.
        ``default_graph`` and ``named_graphs`` (lists of graph names, ``DefaultGraph()`` for the
        store's own) set the dataset, overriding the query's FROM clauses; without them and without
        FROM, the default graph is the union of all graphs. ``base_iri`` resolves relative IRIs.
        Raises SyntaxError for malformed SPARQL.
        """
        substitutions = None
        if bindings:
            from pyoxigraph import Variable

            substitutions = {Variable(name): term for name, term in bindings.items()}
        if default_graph is None and named_graphs is None:
            # FROM names graphs of the store (nothing is fetched); the union would hide them.
            union = "FROM" not in sparql.upper() or not _has_from(sparql)
            return self.store.query(sparql, prefixes=terms.PREFIXES, use_default_graph_as_union=union,
                                    substitutions=substitutions, base_iri=base_iri)
        return self.store.query(sparql, prefixes=terms.PREFIXES, substitutions=substitutions, base_iri=base_iri,
                                default_graph=default_graph if default_graph is not None else [],
                                named_graphs=named_graphs if named_graphs is not None else [])

    def graphs(self, s, p, o) -> set[str]:
        """The names of the graphs holding a triple; "" stands for the default graph."""
        from pyoxigraph import DefaultGraph

        return {"" if isinstance(q.graph_name, DefaultGraph) else q.graph_name.value
                for q in self.store.quads_for_pattern(s, p, o, None)}

    def __len__(self) -> int:
        return len(self.store)


def row_key(row: dict) -> list[tuple[str, str]]:
    """A sort key for a result row: engines, and runs of one engine, return rows in any order, so
    code whose output depends on the order sorts them first."""
    return sorted((name, str(term)) for name, term in row.items())


def _has_from(sparql: str) -> bool:
    from .sparql import keywords

    return "FROM" in keywords(sparql)


def open_source(data: Sequence[Path | str] = (), store: Path | str | None = None, endpoint: str | None = None, *,
                timeout: float | None = None, partial: bool = False) -> GraphReader:
    """The graph a command reads: a SPARQL endpoint, a persistent store (kg load), or the shipped
    ontology plus ``data`` files. At most one of them; DataError says why otherwise."""
    from .errors import DataError

    if endpoint is not None:
        if data or store is not None:
            raise DataError("--endpoint reads the server's graph; --data and --store are for the embedded one")
        from .remote import RemoteGraph

        return RemoteGraph(endpoint, timeout=timeout or 30.0, partial=partial)
    if store is not None:
        if data:
            raise DataError("--data adds files when a graph is built; with --store, give them to kg load instead")
        from .disk import open_store

        return open_store(store)
    return open_graph(data or [])


def open_graph(data: Sequence[Path | str] = (), *, use_cache: bool = True) -> KnowledgeGraph:
    """The shipped ontology plus ``data`` files, parsed and reasoned over, from the cache if it can.

    Raises DataError naming the file (and line) for a missing, unreadable or malformed input.
    """
    inputs = [terms.ONTOLOGY, *(Path(p) for p in data)]
    contents = [(path, read_bytes(path)) for path in inputs]
    key = cache.key((str(path.resolve()), content) for path, content in contents)
    if use_cache:
        body = cache.read(key, "nq")
        if body is not None:
            store = Store()
            try:
                store.load(input=body, format=RdfFormat.N_QUADS, lenient=True)
                return KnowledgeGraph(store, key, inputs)
            except (SyntaxError, ValueError, OSError):
                pass  # the checksum matched but the body does not parse: rebuild below
    store = build(contents)
    if use_cache:
        cache.write(key, "nq", store.dump(format=RdfFormat.N_QUADS))
    return KnowledgeGraph(store, key, inputs)


def build(contents: Sequence[tuple[Path, bytes]]) -> Store:
    """Parse every input and materialize the inferences: the work the cache saves."""
    from .reason import infer

    store = Store()
    for path, content in contents:
        load_file(store, path, content)
    infer(store)
    return store


EXPORT_FORMATS = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD,
                  "nt": RdfFormat.N_TRIPLES, "ttl": RdfFormat.TURTLE}


def export(graph: KnowledgeGraph, fmt: str, output, *, canonical: bool = False) -> None:
    """Write the graph with its inferences to ``output`` (a binary file or a path), to bulk-load
    into another SPARQL server.

    ``nq``, ``trig`` and ``jsonld`` keep each triple's graph: stated facts in the default graph,
    inferences in the named graph of the rule that made them, so the server can still tell them
    apart. ``nt`` and ``ttl`` hold one graph, so they merge all of them (each triple once). ``canonical`` names blank nodes
    by RDF Dataset Canonicalization (RDFC-1.0) and sorts the lines, so the same graph always gives
    the same file (to diff or checksum); it takes about four times as long, in memory.
    """
    rdf_format = EXPORT_FORMATS[fmt]
    dataset_format = rdf_format.supports_datasets
    prefixes = terms.PREFIXES if fmt in ("ttl", "trig") else None
    if canonical:
        from pyoxigraph import CanonicalizationAlgorithm, Dataset

        dataset = Dataset(graph.store.quads_for_pattern(None, None, None, None))
        dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
        items = sorted(dataset, key=str) if dataset_format else sorted({q.triple for q in dataset}, key=str)
        serialize(items, output, format=rdf_format, prefixes=prefixes)
        return
    if dataset_format:
        graph.store.dump(output, format=rdf_format, prefixes=prefixes)
        return
    triples = graph.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    serialize(triples, output, format=rdf_format, prefixes=prefixes)
