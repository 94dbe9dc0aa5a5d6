"""A SPARQL 1.1 endpoint read as the graph: the queries the embedded store answers, sent over HTTP.

``RemoteGraph`` has the reading methods of ``KnowledgeGraph`` (query, select, rows, ask, graphs),
so the question parser, ``kg describe``, ``kg path`` and ``kg graph`` run unchanged against any
SPARQL 1.1 server: ``kg serve``, Virtuoso, Fuseki, GraphDB. Requests are GET, or form POST when the
URL would be long (Virtuoso does not take a direct ``application/sparql-query`` POST), with a
timeout; results come back as SPARQL JSON or N-Triples and are parsed by pyoxigraph.
"""

import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, parse, parse_query_results

from . import __version__, terms
from .errors import EndpointError, QueryError
from .sparql import query_form
from .store import Reader

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
# Jena's name for a dataset's own default graph, as opposed to the union of its graphs; kg serve
# takes it as a default-graph-uri. On other servers it names no graph, and so holds nothing.
STORE_DEFAULT_GRAPH = "urn:x-arq:DefaultGraph"
MAX_GET = 2000  # longer requests go as form POST: some servers and proxies cut long URLs

_RESULTS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
_GRAPHS = {
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,  # N-Triples' media type before 2014, still sent by some servers
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
_DECLARED = re.compile(r"(?i:PREFIX)\s+([A-Za-z][\w.-]*)?\s*:")
_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


class RemoteGraph(Reader):
    """The graph behind a SPARQL 1.1 endpoint at ``url``; each request waits at most ``timeout`` s.

    A result the endpoint cut at its row limit raises EndpointError, since the parser's vocabulary
    or an answer read from it would be silently incomplete; ``partial=True`` accepts it and sets
    ``cut`` (``kg sparql`` shows it with a warning).
    """

    remote = True

    def __init__(self, url: str, *, timeout: float = 30.0, partial: bool = False):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EndpointError(f"not an endpoint URL: {url!r}; expected http://host[:port]/path")
        self.url = url
        self.timeout = timeout
        self._watchdog = _Watchdog()
        self._opener = _opener(self._watchdog.sockets)
        self.partial = partial  # whether a result the endpoint cut at its row limit may be used
        self.cut: int | None = None  # the row limit the endpoint says it applied to the last result

    def cache_path(self, kind: str) -> None:
        """Nothing derived from an endpoint's graph is cached: it may change at any time."""
        return None

    def reopen(self) -> "RemoteGraph":
        return self

    def query(self, sparql: str, bindings: dict | None = None, *, default_graph: list | None = None,
              named_graphs: list | None = None):
        """Send a query; SELECT and ASK come back as pyoxigraph results, CONSTRUCT and DESCRIBE as
        a list of triples. ``bindings`` become a VALUES block of RDF terms at the start of the
        WHERE clause; the ontology's prefixes are declared when the query uses them."""
        text = with_prefixes(sparql)
        if bindings:
            text = bind(text, bindings)
        params = [("query", text)]
        params += [("default-graph-uri", g.value) for g in default_graph or ()]
        params += [("named-graph-uri", g.value) for g in named_graphs or ()]
        # Asked for by the query's form: Virtuoso writes a CONSTRUCT as a results table if allowed to.
        graph_form = query_form(text) in ("CONSTRUCT", "DESCRIBE")
        body, media_type = self._request(params, GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        if media_type in _RESULTS:
            if _RESULTS[media_type] == QueryResultsFormat.JSON and b'"bnode"' in body:
                body = _portable_blank_nodes(body)
            try:
                return _boolean_if_ask(parse_query_results(body, format=_RESULTS[media_type]))
            except (SyntaxError, ValueError) as e:
                raise EndpointError(f"{self.url} sent results that do not parse: {e}") from None
        if media_type in _GRAPHS:
            try:
                return [quad.triple for quad in parse(body, format=_GRAPHS[media_type])]
            except (SyntaxError, ValueError) as e:
                raise EndpointError(f"{self.url} sent RDF that does not parse: {e}") from None
        raise EndpointError(f"{self.url} answered with {media_type or 'no content type'}, "
                            "not SPARQL results or RDF")

    def graphs(self, s, p, o) -> set[str]:
        """The names of the graphs holding a triple; "" stands for the store's own default graph.

        A server whose default graph is the union of its graphs (kg serve, Virtuoso) cannot say
        by the standard protocol whether a triple is in the default graph itself, so this also
        asks the graph named ``STORE_DEFAULT_GRAPH``, which kg serve maps to it.
        """
        from pyoxigraph import NamedNode

        triple = {"s": s, "p": p, "o": o}
        found = {row["g"].value for row in self.select("SELECT DISTINCT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                                       triple)}
        if bool(self.query(bind("ASK WHERE { ?s ?p ?o }", triple),
                           default_graph=[NamedNode(STORE_DEFAULT_GRAPH)])):
            found.add("")
        return found

    def __len__(self) -> int:
        """The quads the endpoint holds: in its named graphs, and in its own default graph (kg serve)."""
        from pyoxigraph import NamedNode

        count = "SELECT (COUNT(*) AS ?n) WHERE { %s }"
        named = next(iter(self.query(count % "GRAPH ?g { ?s ?p ?o }")))
        default = next(iter(self.query(count % "?s ?p ?o", default_graph=[NamedNode(STORE_DEFAULT_GRAPH)])))
        return int(named["n"].value) + int(default["n"].value)

    def _request(self, params: list[tuple[str, str]], accept: str) -> tuple[bytes, str]:
        encoded = urllib.parse.urlencode(params)
        headers = {"Accept": accept, "User-Agent": f"runner-kg/{__version__}"}
        if len(self.url) + len(encoded) < MAX_GET:
            request = urllib.request.Request(self.url + ("&" if "?" in self.url else "?") + encoded, headers=headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            request = urllib.request.Request(self.url, data=encoded.encode(), headers=headers, method="POST")
        # The socket timeout bounds each read; the watchdog bounds the whole request, so a server
        # that sends a byte at a time cannot hold it past the timeout.
        expired = self._watchdog.arm(self.timeout)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read()
                cut = response.headers.get("X-SPARQL-MaxRows")  # kg serve and Virtuoso say so when they cut
                self.cut = int(cut) if cut and cut.isdigit() else None
                if self.cut is not None and not self.partial:
                    raise EndpointError(f"{self.url} cut a result at {self.cut:,} rows, its row limit, so the graph "
                                        "cannot be read whole; raise the limit (kg serve --max-rows, "
                                        "Virtuoso's ResultSetMaxRows)")
                return body, response.headers.get_content_type()
        except urllib.error.HTTPError as e:
            if expired.is_set():
                raise EndpointError(f"{self.url} did not answer within {self.timeout:g} s") from None
            message = _message(e)
            if e.code == 400:
                raise QueryError(f"the endpoint rejected the query: {message}") from None
            raise EndpointError(f"{self.url}: HTTP {e.code} {e.reason}" + (f": {message}" if message else "")) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            reason = getattr(e, "reason", e)
            if expired.is_set() or isinstance(reason, TimeoutError):
                raise EndpointError(f"{self.url} did not answer within {self.timeout:g} s") from None
            if isinstance(e, urllib.error.URLError):
                raise EndpointError(f"cannot reach {self.url}: {getattr(reason, 'strerror', None) or reason}") from None
            raise EndpointError(f"{self.url}: {getattr(e, 'strerror', None) or e or type(e).__name__}") from None
        finally:
            self._watchdog.disarm()


def _opener(sockets: list) -> urllib.request.OpenerDirector:
    """urllib (proxies, redirects, HTTPS) with connections that note their socket in ``sockets``."""

    def noting(base):
        class Connection(base):
            def connect(self):
                super().connect()
                sockets.append(self.sock)

        return Connection

    class Handler(urllib.request.HTTPHandler):
        def do_open(self, http_class, request, **kwargs):
            return super().do_open(noting(http.client.HTTPConnection), request, **kwargs)

    class SecureHandler(urllib.request.HTTPSHandler):
        def do_open(self, http_class, request, **kwargs):
            return super().do_open(noting(http.client.HTTPSConnection), request, **kwargs)

    return urllib.request.build_opener(Handler, SecureHandler)


class _Watchdog:
    """One thread that ends a request's connections when its time is up, which wakes the read
    waiting on them (cheaper than a timer thread per request)."""

    def __init__(self):
        self.sockets: list[socket.socket] = []  # the connections of the request in progress
        self._condition = threading.Condition()
        self._deadline: float | None = None
        self._expired = threading.Event()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> threading.Event:
        """Start timing a request; the event returned is set if its time runs out."""
        with self._condition:
            self.sockets.clear()
            self._expired = threading.Event()
            self._deadline = time.monotonic() + seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="kg-remote-watchdog", daemon=True)
                self._thread.start()
            self._condition.notify()
            return self._expired

    def disarm(self) -> None:
        with self._condition:
            self._deadline = None

    def _watch(self) -> None:
        with self._condition:
            while True:
                if self._deadline is None:
                    self._condition.wait()
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                self._expired.set()
                self._deadline = None
                for sock in list(self.sockets):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass


def with_prefixes(sparql: str) -> str:
    """The query with the ontology's prefixes it does not declare itself, declared on its first
    line (so the server's line numbers in error messages still match the query's)."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(sparql)}
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in terms.PREFIXES.items()
               if name not in declared and f"{name}:" in sparql]
    return " ".join(missing) + " " + sparql if missing else sparql


def bind(sparql: str, bindings: dict) -> str:
    """Bind variables to RDF terms with a VALUES block at the start of the WHERE clause.

    The terms are pyoxigraph terms, written in their own N-Triples syntax (which escapes them), so
    no text from a user enters the query as SPARQL.
    """
    where = _WHERE.search(sparql)
    if where is None:
        raise ValueError("bind() needs a query with a WHERE clause")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    return f"{sparql[:where.end()]} VALUES ({names}) {{ ({values}) }} {sparql[where.end():]}"


def _boolean_if_ask(results):
    """Virtuoso answers ASK as a table with one column, ``__ASK_RETVAL``, and a row holding 1 when
    the answer is yes; read that as the boolean it stands for."""
    if isinstance(results, QuerySolutions) and [v.value for v in results.variables] == ["__ASK_RETVAL"]:
        answer = any(row[0] is not None and row[0].value not in ("0", "false") for row in results)
        return parse_query_results('{"head": {}, "boolean": %s}' % str(answer).lower(), format=QueryResultsFormat.JSON)
    return results


def _portable_blank_nodes(body: bytes) -> bytes:
    """JSON results with each blank node's id rewritten as the hex of its bytes: Virtuoso names
    them ``nodeID://b123``, which RDF syntax does not allow; the same id maps to the same name."""
    import json

    results = json.loads(body)
    for row in results.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = "x" + term["value"].encode().hex()
    return json.dumps(results).encode()


def _message(error: urllib.error.HTTPError) -> str:
    """The first line of an error response's text, if it is text."""
    try:
        body = error.read(4096)
    except OSError:
        return ""
    if error.headers.get_content_type() not in ("text/plain", "application/json", ""):
        return ""
    lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[0][:300] if lines else ""
