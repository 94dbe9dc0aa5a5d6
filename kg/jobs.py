"""The server's work inside its worker processes: run one SPARQL query (or question) and write
the reply, under the deadline kg.workers enforces and the network filter kg.sandbox installs."""

import itertools
from typing import TYPE_CHECKING

from pyoxigraph import DefaultGraph, NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat
from pyoxigraph import parse_query_results
from pyoxigraph import serialize as serialize_graph

from . import sandbox, terms
from .errors import QueryError, QuestionError, RefusedError
from .negotiate import BOOLEAN, GRAPH, SOLUTIONS, negotiate, with_charset
from .remote import STORE_DEFAULT_GRAPH
from .sparql import check_safe, check_shape, syntax_message

if TYPE_CHECKING:
    from .serve import Settings


def worker_setup(graph, settings: "Settings", questions=None):
    """Runs once in each new worker: its own handle on the store, and the question parser."""
    graph = graph.reopen()
    asker = questions(graph) if settings.ask and questions is not None else None

    def handle(job: dict, out) -> None:
        if job["kind"] == "sparql":
            _answer_query(graph, job, out, settings.max_rows)
        else:
            _answer_question(asker, job, out)

    return handle


def _answer_query(graph, job: dict, out, max_rows: int) -> None:
    text = job["query"]
    # Checked here, in the worker, not in the server's threads: the checks read the whole query,
    # and a client sending many large ones then spends its own share of the workers, not the
    # server's time for everyone.
    try:
        check_shape(text)
        check_safe(text, "this endpoint does not call other servers; query their endpoints directly")
    except RefusedError as e:
        out.fail(403, str(e))
        return
    except QueryError as e:
        out.fail(400, str(e))
        return
    try:
        dataset = {key: None if job[name] is None else
                   [DefaultGraph() if iri == STORE_DEFAULT_GRAPH else NamedNode(iri) for iri in job[name]]
                   for key, name in (("default_graph", "default"), ("named_graphs", "named"))}
    except ValueError as e:
        out.fail(400, f"not a graph IRI: {e}")
        return
    try:
        results = graph.query(text, base_iri=job["base"], **dataset)  # relative IRIs: against the endpoint
    except SyntaxError as e:
        out.fail(400, syntax_message(text, e))
        return
    except OSError as e:
        out.fail(*_failed(e))
        return
    offers = BOOLEAN if isinstance(results, QueryBoolean) else SOLUTIONS if isinstance(results, QuerySolutions) else GRAPH
    chosen = negotiate(job["accept"], offers)
    if chosen is None:
        kinds = "an ASK" if offers is BOOLEAN else "a SELECT" if offers is SOLUTIONS else "a CONSTRUCT or DESCRIBE"
        out.fail(406, f"cannot write {kinds} result as {job['accept']}; available: "
                      + ", ".join(dict.fromkeys(m for m, _ in offers)))
        return
    media_type, fmt = chosen
    if isinstance(results, QueryBoolean):
        out.start(200, media_type)
        results.serialize(out, getattr(QueryResultsFormat, fmt))
        out.finish()
        return
    # Take one row more than the limit to learn whether it cut; then the engine writes what is kept.
    try:
        items = list(itertools.islice(results, max_rows + 1))
    except OSError as e:
        out.fail(*_failed(e))
        return
    cut = {"X-SPARQL-MaxRows": str(max_rows)} if len(items) > max_rows else None
    items = items[:max_rows]
    if isinstance(results, QuerySolutions):
        out.start(200, with_charset(media_type), cut)
        _solutions(results.variables, items).serialize(out, getattr(QueryResultsFormat, fmt))
    else:
        out.start(200, with_charset(media_type), cut)
        serialize_graph(items, out, getattr(RdfFormat, fmt), prefixes=terms.PREFIXES if fmt == "TURTLE" else None)
    out.finish()


def _failed(error: OSError) -> tuple[int, str]:
    """The status and message for a query the engine could not finish."""
    if f"os error {sandbox.REFUSED}" in str(error):  # it tried to open a connection: a SERVICE
        return 403, ("SERVICE refused: the query tried to call another server, and this endpoint's "
                     "workers have no network; query that server directly")
    return 500, f"the query failed: {error}"


def _solutions(variables, rows):
    """Rows taken from a result, as a result again, for the engine's serializers: through TSV,
    whose cells are the terms' own N-Triples syntax."""
    names = [v.value for v in variables]
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if row[n] is None else str(row[n]) for n in names) for row in rows]
    return parse_query_results("\n".join(lines) + "\n", format=QueryResultsFormat.TSV)


def _answer_question(asker, job: dict, out) -> None:
    try:
        reply = asker.answer(job["question"])
    except QuestionError as e:
        out.fail(400, str(e))
        return
    out.start(200, "application/json")
    out.write(reply)
    out.finish()


def preload_error_messages() -> None:
    """Import what a syntax error message needs (rdflib's SPARQL parser) once, before the workers
    fork, instead of in every worker on its first bad query."""
    try:
        import rdflib.plugins.sparql.parser  # noqa: F401
    except ImportError:
        pass
