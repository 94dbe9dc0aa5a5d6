"""The ``kg`` command: each command parses its arguments, calls one library function, renders.

Errors from the library (kg.errors) become one line on stderr and an exit code:
0 success, 1 no result or validation failed, 2 bad input or usage.
"""

import contextlib
import enum
import functools
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg import __version__
from kg.errors import KgError

app = typer.Typer(
    help="Ask about the muscles of running, or query the knowledge graph behind the answers.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

DataOption = Annotated[
    Optional[list[Path]],
    typer.Option("--data", "-d", metavar="FILE", show_default=False,
                 help="Add an RDF file to the graph (repeatable). Format from the extension: "
                      ".ttl .nt .nq .trig .rdf/.owl .jsonld."),
]


def _seconds(value: float | None) -> float | None:
    """A time limit must be a finite number: ``inf`` and ``nan`` parse as floats but mean nothing here."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds")
    return value


class SparqlFormat(str, enum.Enum):
    table = "table"
    json = "json"
    xml = "xml"
    csv = "csv"
    tsv = "tsv"
    turtle = "turtle"
    nt = "nt"
    jsonld = "jsonld"


StoreOption = Annotated[
    Optional[Path],
    typer.Option("--store", metavar="DIR", envvar="KG_STORE", show_default=False,
                 help="Read a persistent store built by kg load (also $KG_STORE) instead of parsing files."),
]


EndpointOption = Annotated[
    Optional[str],
    typer.Option("--endpoint", metavar="URL", envvar="KG_ENDPOINT", show_default=False,
                 help="Read the graph from a SPARQL 1.1 endpoint (also $KG_ENDPOINT), e.g. one kg serve or "
                      "Virtuoso runs, loaded with kg export."),
]


def _open(data, store, endpoint=None, timeout: float | None = None, partial: bool = False):
    from kg.store import open_source

    return open_source(data, store, endpoint, timeout=timeout, partial=partial)


def _build_vocabulary(graph) -> None:
    """The question parser's vocabulary, built into a new store so the first kg ask starts fast."""
    from nlp import load_lexicon, make_nlp

    load_lexicon(graph, make_nlp())


@contextlib.contextmanager
def _progress():
    """A spinner on stderr naming the stage under way, with the time it has taken, for work that
    can take a while; on a terminal only (in a pipe or a log: nothing). Yields the function the
    library calls with each stage's description, or None."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("working")
        yield lambda text: bar.update(task, description=text)


def command(*args, **kwargs):
    """``app.command`` that turns a KgError into its one-line message and exit code."""

    def register(fn):
        @functools.wraps(fn)
        def run(*a, **kw):
            try:
                return fn(*a, **kw)
            except KgError as e:
                typer.echo(f"kg: error: {e}", err=True)
                raise typer.Exit(e.exit_code) from None

        return app.command(*args, **kwargs)(run)

    return register


def _version(value: bool) -> None:
    if value:
        typer.echo(f"runner-kg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Ask about the muscles of running, or query the knowledge graph behind the answers."""


def _write(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@command(epilog="Examples: kg ask \"what prevents runner's knee?\"  |  kg ask --json \"is ITBS an injury?\"  |  "
                "printf 'what causes ITBS?\\nwhere are the quads?\\n' | kg ask -")
def ask(
    question: Annotated[str, typer.Argument(
        help="The question in plain English, or - to read one question per line from stdin.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (JSON Lines with -).")] = False,
    show_sparql: Annotated[bool, typer.Option("--sparql", help="Also print the SPARQL that was run.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Also print the parse: words matched, question "
                                                             "type, path through the schema.")] = False,
    why: Annotated[bool, typer.Option("--why", help="Spell out each inference: its rule and the facts it "
                                                     "follows from, with their sources.")] = False,
    advice: Annotated[bool, typer.Option("--advice/--no-advice", help="End an answer with the next step the "
                                                                     "graph gives, where it has one.")] = True,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Ask a question; the answer says where each fact comes from.

    Exit code 0 when answered (including "no" and "not known"), 1 when the question was not
    understood, 2 for an empty question or bad input.
    """
    from kg.errors import QuestionError
    from nlp import Asker, check

    if question != "-":
        check(question)  # before the graph loads: a bad question fails at once
    asker = Asker(_open(data, store, endpoint))
    questions = [question] if question != "-" else [q.strip() for q in sys.stdin if q.strip()]
    understood = True
    for i, q in enumerate(questions):
        try:
            answer = asker.ask(q)
        except QuestionError as e:
            if question != "-":
                raise
            typer.echo(f"kg: error: line {i + 1}: {e}", err=True)
            understood = False
            continue
        understood = understood and answer.understood
        _render_answer(answer, asker, as_json, show_sparql, explain, why, advice,
                       header=q if question == "-" else None)
    if not understood:
        raise typer.Exit(1)


def _render_answer(answer, asker, as_json: bool, show_sparql: bool, explain: bool, why: bool, advice: bool,
                   header: str | None) -> None:
    from nlp import render

    if as_json:
        typer.echo(render.json_text(answer, explain=explain, advice=advice))
        return
    if header is not None:
        typer.echo(f"Q: {header}")
    typer.echo(render.text(answer, sparql=show_sparql, explain=explain, why=why, advice=advice,
                           label=asker.lexicon.label,
                           width=render.terminal_width(sys.stdout)), nl=False)
    if header is not None:
        typer.echo("")


@command()
def shell(
    show_sparql: Annotated[bool, typer.Option("--sparql", help="Also print the SPARQL that was run.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Also print the parse.")] = False,
    why: Annotated[bool, typer.Option("--why", help="Spell out each inference's rule and premises.")] = False,
    advice: Annotated[bool, typer.Option("--advice/--no-advice", help="End answers with the next step.")] = True,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Ask question after question at a prompt, with history and name completion (Tab)."""
    from nlp import Asker
    from nlp.shell import run

    raise typer.Exit(run(Asker(_open(data, store, endpoint)), sparql=show_sparql, explain=explain, why=why,
                         advice=advice))


@command(epilog="Example: kg sparql 'SELECT ?m WHERE { ?m a kg:Muscle }'")
def sparql(
    query: Annotated[Optional[str], typer.Argument(
        help="The SPARQL query, or - to read it from stdin.", show_default=False)] = None,
    file: Annotated[Optional[Path], typer.Option(
        "--file", "-f", metavar="FILE", help="Read the query from FILE.", show_default=False)] = None,
    fmt: Annotated[Optional[SparqlFormat], typer.Option(
        "--format", help="Result format. SELECT/ASK: table, json, xml, csv, tsv (default: table on a terminal, "
             "tsv in a pipe). CONSTRUCT/DESCRIBE: turtle (default), nt, jsonld.", show_default=False)] = None,
    timeout: Annotated[Optional[float], typer.Option(
        "--timeout", metavar="SECONDS", min=0.001, max=86_400, callback=_seconds,
        help="Stop the query after SECONDS.", show_default=False)] = None,
    allow_service: Annotated[bool, typer.Option(
        "--allow-service", help="Let SERVICE clauses call the servers they name (federated queries); "
                                "refused by default.")] = False,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Run a read-only SPARQL query on the graph.

    The prefixes kg, rdf, rdfs, owl, xsd, skos, prov, dcterms and schema are pre-declared, and the
    default graph is the union of the stated facts and the inferences. Exit code 1 when there is no
    result.
    """
    from kg import sparql as engine
    from kg.errors import QueryError

    if (query is None) == (file is None):
        raise QueryError("give the query as an argument, with -f FILE, or as - to read stdin (exactly one)")
    if file is not None:
        text = _read_text(file)
    elif query == "-":
        text = sys.stdin.read()
    else:
        text = query
    engine.check_read_only(text)
    if not allow_service:  # before the graph is opened, so a refusal is immediate
        engine.check_safe(text, "kg sparql --allow-service lets a query call the servers it names")
    engine.check_shape(text)
    graph = _open(data, store, endpoint, timeout, partial=True)
    default = "table" if _terminal() else "tsv"
    fmt_name = fmt.value if fmt else None
    output = engine.run_contained(graph, text, fmt_name, results_default=default, allow_service=allow_service,
                                  timeout=timeout)
    if endpoint is not None and graph.cut is not None:  # the endpoint has its own row limit
        typer.echo(f"kg: warning: the endpoint cut the results at {graph.cut:,} rows", err=True)
    # Text ends with a newline (an ASK result, bare or in JSON, has none of its own).
    _write(output.data if output.data.endswith(b"\n") or not output.data else output.data + b"\n")
    if output.empty:
        raise typer.Exit(1)


def _terminal() -> bool:
    """Whether output goes to a person (a table) rather than a pipe (TSV)."""
    return sys.stdout.isatty()


def _read_text(path: Path) -> str:
    from kg.errors import QueryError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"{path}: cannot read the query: {getattr(e, 'strerror', None) or e}") from None


@command()
def validate(
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="RDF files to check with the ontology (same as --data).", show_default=False)] = None,
    data: DataOption = None,
    shapes: Annotated[Optional[Path], typer.Option(
        "--shapes", metavar="FILE", help="SHACL shapes to check against (default: the shipped data/shapes.ttl).",
        show_default=False)] = None,
) -> None:
    """Check the ontology and your files against the SHACL shapes.

    Prints each violation as: focus node, property path, message. Exit code 1 if any.
    """
    from kg import terms
    from kg.validate import validate as check

    inputs = [*(files or []), *(data or [])]
    violations = check(inputs, shapes or terms.SHAPES)
    if violations:
        focus_width = max(len(v.focus) for v in violations)
        path_width = max(len(v.path) for v in violations)
        for v in violations:
            typer.echo(f"{v.focus:<{focus_width}}  {v.path:<{path_width}}  {v.message}")
        typer.echo(f"{len(violations)} violation{'s' if len(violations) != 1 else ''}", err=True)
        raise typer.Exit(1)
    checked = ", ".join(p.name for p in [terms.ONTOLOGY, *inputs])
    typer.echo(f"valid: {checked} conform to {(shapes or terms.SHAPES).name}")


@command(epilog="Example: kg load clinic.ttl research.nq --store ~/runner-store; then kg ask --store ~/runner-store ...")
def load(
    files: Annotated[list[Path], typer.Argument(help="RDF files to load with the shipped ontology.", show_default=False)],
    store: Annotated[Path, typer.Option("--store", metavar="DIR", envvar="KG_STORE", show_default=False,
                                        help="The store directory to build (also $KG_STORE).")],
    parser: Annotated[bool, typer.Option("--parser/--no-parser",
                                         help="Also build the question parser's vocabulary, so the first "
                                              "kg ask --store starts fast.")] = True,
) -> None:
    """Bulk-load files into a persistent on-disk store, with inferences, for --store DIR.

    The store holds the shipped ontology plus exactly these files. Loading is atomic: until it
    finishes, and if it is interrupted, the previous store stays in use.
    """
    from kg.disk import load as load_store

    with _progress() as progress:
        report = load_store(files, store, prepare=_build_vocabulary if parser else None, progress=progress)
    inferred = sum(report["inferred"].values())
    names = [Path(f).name for f in files]
    what = ("the shipped ontology alone" if not names else
            f"{', '.join(names) if len(names) <= 3 else f'{len(names)} files'} (with the shipped ontology)")
    typer.echo(f"loaded {what} into {store} ({report['generation']}): "
               f"{report['load_seconds']:.1f} s to load, {report['reason_seconds']:.1f} s to infer "
               f"{inferred:,} triples" + (f", {report['prepare_seconds']:.1f} s for the parser's vocabulary"
                                          if parser else ""))


@command(epilog="Example: kg serve --port 7878, then open http://127.0.0.1:7878/ or query "
                "http://127.0.0.1:7878/sparql from YASGUI, SPARQLWrapper, rdflib or curl")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")] = 7878,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", min=0.01, max=3600, callback=_seconds,
                                           help="Stop a query after SECONDS; its worker is replaced.")] = 10.0,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, max=256, show_default="CPU count",
                                                   help="Worker processes running queries at once.")] = None,
    queue: Annotated[int, typer.Option("--queue", min=0, max=1024, help="Requests that may wait for a worker; "
                                                               "more get 503.")] = 32,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, max=100_000_000, help="Rows or triples in one result; more are "
                                                                     "cut, and the X-SPARQL-MaxRows header says so.")] = 10_000,
    max_body: Annotated[int, typer.Option("--max-body", min=1024, max=1 << 30, metavar="BYTES",
                                          help="Largest request body or query.")] = 1 << 20,
    cors: Annotated[Optional[list[str]], typer.Option("--cors", metavar="ORIGIN", show_default=False,
                                                      help="Let pages from ORIGIN call the server (repeatable; "
                                                           "* for any). Off by default.")] = None,
    ask: Annotated[bool, typer.Option("--ask/--no-ask", help="Answer questions at POST /ask.")] = True,
    client_timeout: Annotated[float, typer.Option(
        "--client-timeout", metavar="SECONDS", min=0.1, max=3600, callback=_seconds,
        help="Time a client has to send a whole request (headers and body); slower ones are cut.")] = 10.0,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, with questions at /ask and a
    query page at /.

    Logs one line per request on stderr; stops cleanly on SIGTERM or Ctrl-C. Stateless and
    read-only: run several behind a load balancer to scale out.
    """
    from kg.serve import Settings
    from kg.serve import serve as run

    settings = Settings(host=host, port=port, timeout=timeout, queue=queue, max_rows=max_rows,
                        max_body=max_body, cors=tuple(cors or ()), ask=ask, request_deadline=client_timeout)
    if workers is not None:
        settings.workers = workers

    def announce(url: str) -> None:
        typer.echo(f"kg serve: listening on {url} (SPARQL at {url}sparql{', questions at POST ' + url + 'ask' if ask else ''}; "
                   f"{settings.workers} worker{'s' if settings.workers != 1 else ''}, {timeout:g} s time limit); "
                   "Ctrl-C or SIGTERM stops", err=True)

    questions = None
    if ask:
        from nlp import QuestionService as questions

    run(_open(data, store), settings, announce, questions=questions)
    typer.echo("kg serve: stopped", err=True)


class ExportFormat(str, enum.Enum):
    nq = "nq"
    trig = "trig"
    jsonld = "jsonld"
    nt = "nt"
    ttl = "ttl"


@command(epilog="Example: kg export -o runner-kg.nq, then bulk-load runner-kg.nq into Virtuoso, Fuseki or GraphDB")
def export(
    fmt: Annotated[Optional[ExportFormat], typer.Option(
        "--format", help="nq, trig and jsonld keep inferences in their rules' named graphs; nt and ttl "
                         "merge all graphs. "
                         "Default: from -o's extension, else nq.", show_default=False)] = None,
    target: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Write to FILE "
                                                  "(default, or -: standard output).", show_default=False)] = None,
    canonical: Annotated[bool, typer.Option("--canonical", help="Name blank nodes canonically (RDFC-1.0) and "
                                                                "sort the lines: the same graph, the same file.")] = False,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Write the graph with its inferences, ready to bulk-load into a SPARQL server."""
    from kg import output as out
    from kg.store import EXPORT_FORMATS
    from kg.store import export as write

    output = out.target(target)
    chosen = out.format_for(output, fmt.value if fmt else None, EXPORT_FORMATS, default="nq")
    if output is not None:
        out.check_writable(output)
    graph = _open(data, store)
    if output is None:
        write(graph, chosen, sys.stdout.buffer, canonical=canonical)
        return
    with _progress() as progress:
        if progress is not None:
            progress(f"writing {len(graph):,} quads to {output.name}")
        size = out.write(output, lambda f: write(graph, chosen, f, canonical=canonical))
    typer.echo(f"wrote {output} ({chosen}, {size:,} bytes)", err=True)


class GraphFormat(str, enum.Enum):
    svg = "svg"
    png = "png"
    dot = "dot"
    mermaid = "mermaid"
    graphml = "graphml"
    json = "json"


EntityArgument = Annotated[str, typer.Argument(help="A name or synonym (typos are forgiven).", show_default=False)]


@command(epilog="Example: kg describe \"runner's knee\"")
def describe(
    entity: EntityArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print the card as JSON.")] = False,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Show everything the graph says about one thing: names, definition, class, relations both
    ways (inferred ones marked *), sources and external identifiers. Exit code 1 if unknown."""
    import json

    from kg.describe import card, render
    from kg.names import find

    graph = _open(data, store, endpoint)
    found = card(graph, find(graph, entity))
    typer.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=1) if as_json else render(found), nl=as_json)


@command(name="list", epilog="Examples: kg list  |  kg list exercises")
def list_(
    cls: Annotated[Optional[str], typer.Argument(metavar="[CLASS]", help="A class name: list its members.",
                                                 show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (IRIs, labels and counts).")] = False,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """List the classes with how many things each holds, or the members of one class."""
    from kg import terms
    from kg.describe import classes, members
    from kg.names import index

    graph = _open(data, store, endpoint)
    if cls is None:
        found = classes(graph)
        if as_json:
            _json([{"class": iri, "label": label, "members": n} for iri, label, n in found])
        else:
            _columns(("class", "name", "members"), [(label, terms.shorten(iri), str(n)) for iri, label, n in found])
        return
    iri = index(graph, classes=True).resolve(cls, what="class")
    found = members(graph, iri)
    if as_json:
        _json({"class": iri, "members": [{"iri": m, "label": label} for m, label in found]})
    else:
        _columns(("member", "name"), [(label, terms.shorten(m)) for m, label in found])
    if not found:
        raise typer.Exit(1)


def _json(data) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=1))


def _columns(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        typer.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())


@command(epilog="Example: kg path glutes \"side leg lifts\"")
def path(
    source: Annotated[str, typer.Argument(metavar="FROM", help="Where the path starts.", show_default=False)],
    target: Annotated[str, typer.Argument(metavar="TO", help="Where it ends.", show_default=False)],
    every: Annotated[bool, typer.Option("--all", help="Every path up to --max-length, not just the shortest.")] = False,
    max_length: Annotated[int, typer.Option("--max-length", min=1, max=8, help="Longest path for --all, in links.")] = 4,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many paths.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the paths as JSON (IRIs of entities and facts).")] = False,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Show how two things are connected, as chains of facts read in the direction they are stated.

    Exit code 1 when there is no connection.
    """
    from kg.describe import name_of
    from kg.errors import NotFound
    from kg.names import find
    from kg.network import paths, render_path

    graph = _open(data, store, endpoint)
    a, b = find(graph, source), find(graph, target)
    found = paths(graph, a, b, limit=limit, cutoff=max_length if every else None)
    if not found:
        raise NotFound(f"no path between {name_of(graph, a)!r} and {name_of(graph, b)!r}"
                       + (f" of {max_length} links or fewer" if every else ""))
    if as_json:
        _json([p.to_json() for p in found])
        return
    for p in found:
        typer.echo(render_path(p))


@command(epilog="Examples: kg graph \"runner's knee\" -o knee.png  |  kg graph --format mermaid")
def graph(
    entity: Annotated[Optional[str], typer.Argument(help="Draw this thing's neighbourhood (default: the whole graph).",
                                                    show_default=False)] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=6, help="How many links out from ENTITY.")] = 1,
    fmt: Annotated[Optional[GraphFormat], typer.Option(
        "--format", help="svg, png (matplotlib), dot (Graphviz), mermaid, graphml (Gephi, Cytoscape), json "
                         "(node-link). Default: from -o's extension, else mermaid.", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to FILE.",
                                                   show_default=False)] = None,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Draw the graph or one thing's neighbourhood, laid out in columns by class, or export it."""
    from kg import output as out
    from kg.draw import ALIASES, FORMATS, render
    from kg.errors import FormatError
    from kg.names import find
    from kg.network import neighbourhood

    chosen = out.format_for(output, fmt.value if fmt else None, FORMATS, default="mermaid", aliases=ALIASES)
    if output is None and chosen == "png" and _terminal():
        raise FormatError("PNG is binary: give -o FILE, or pipe the output")
    if output is not None:
        out.check_writable(output)
    kg_graph = _open(data, store, endpoint)
    center = find(kg_graph, entity) if entity else None
    picture = render(neighbourhood(kg_graph, center, depth), chosen)
    if output is None:
        _write(picture)
        return
    out.write(output, lambda f: f.write(picture))
    typer.echo(f"wrote {output} ({chosen}, {len(picture):,} bytes)", err=True)


@command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Count triples stated and inferred and members per class; name the most connected members
    of the classes with the most facts (degree and betweenness centrality)."""
    import json

    from kg.network import render_stats
    from kg.network import stats as compute

    graph = _open(data, store, endpoint)
    with _progress() as progress:
        result = compute(graph, progress=progress)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=1) if as_json else render_stats(result))


def _plain() -> None:
    """Run the app with its usage errors as one line on stderr, for logs and scripts (the boxes
    Typer draws are for a terminal)."""
    try:  # Typer 0.2x carries its own copy of Click, and raises that copy's exceptions
        from typer._click import exceptions as errors
    except ImportError:
        from click import exceptions as errors

    try:
        code = app(standalone_mode=False)
    except errors.NoArgsIsHelpError as e:
        typer.echo(e.ctx.get_help())  # "kg" alone: the help, as on a terminal
        sys.exit(e.exit_code)
    except errors.UsageError as e:
        hint = f" (see: {e.ctx.command_path} -h)" if e.ctx is not None else ""
        sys.stderr.write(f"kg: error: {e.format_message()}{hint}\n")
        sys.exit(e.exit_code)
    except errors.ClickException as e:
        sys.stderr.write(f"kg: error: {e.format_message()}\n")
        sys.exit(e.exit_code)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        sys.stderr.write("\n")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    try:
        if sys.stderr.isatty():
            app()
        else:
            _plain()
    except BrokenPipeError:  # e.g. `kg sparql ... | head`: stop quietly, like other Unix tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as e:  # writing the output failed, e.g. `kg export > file` on a full disk
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush at exit
        sys.stderr.write(f"kg: error: cannot write the output: {e.strerror or e}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
