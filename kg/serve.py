"""``kg serve``: the graph as a read-only SPARQL 1.1 Protocol endpoint, with questions at ``/ask``.

request -> check (method, media type, size, read-only, no SERVICE) -> worker process (query with a
deadline; results written by pyoxigraph's serializers) -> streamed back. The HTTP side is waitress
(a production WSGI server in pure Python); the work runs in kg.workers, where it can be stopped.

Routes: ``/sparql`` (GET ?query=, POST form, POST application/sparql-query; a service description
when there is no query), ``POST /ask`` ({"question": ...} -> the JSON of ``kg ask --json``), ``/``
(a query page that needs no internet), ``/health`` (for load balancers).

The server keeps no state between requests and never writes to the graph, so any number of
instances over the same data can sit behind a load balancer.
"""

import datetime
import functools
import itertools
import json
import logging
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from . import sandbox, terms
from .errors import KgError, QueryError, QueryTimeout, ReadOnlyError, RefusedError, RequestError
from .jobs import preload_error_messages, worker_setup
from .negotiate import FORMAT_NAMES
from .sparql import check_read_only
from .workers import Overloaded, Pool, WorkerDied

PAGE = Path(__file__).with_name("page.html")

TEXT = "text/plain; charset=utf-8"
READ_ONLY = "SPARQL UPDATE refused: this endpoint is read-only; use SELECT, ASK, CONSTRUCT or DESCRIBE"
BUFFERED = 1 << 18  # bytes of a reply held to send it with a Content-Length; more is streamed


@dataclass
class Settings:
    """How ``kg serve`` runs; the defaults suit one machine on a trusted network."""

    host: str = "127.0.0.1"
    port: int = 7878
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)
    timeout: float = 10.0  # seconds a query may run before its worker is killed
    max_rows: int = 10_000  # rows (or triples) in one result; more are cut, and the reply says so
    max_body: int = 1 << 20  # bytes in a request body or query
    queue: int = 32  # requests that may wait for a free worker; more get 503
    cors: tuple[str, ...] = ()  # origins allowed to call from a browser page ("*" for any)
    ask: bool = True  # answer questions at /ask (loads the question parser in each worker)
    request_deadline: float = 10.0  # seconds a client has to send a request's headers and body
    idle_timeout: float = 30.0  # seconds a kept-alive connection may stay silent between requests

    @property
    def connections(self) -> int:
        """Open connections at most: eight for each request that may run or wait, at least 100."""
        return max(100, 8 * (self.workers + self.queue))

    @property
    def connections_per_client(self) -> int:
        """Open connections one client address may hold: a quarter of all."""
        return self.connections // 4


def serve(graph, settings: Settings, announce=None, questions=None) -> None:
    """Serve ``graph`` until SIGTERM or Ctrl-C; ``announce(url)`` is called once it listens.

    ``questions(graph)``, if given (and ``settings.ask``), makes what answers POST /ask in each
    worker: an object with ``examples`` (questions for the query page) and ``answer(text)`` (the
    JSON reply as bytes, or QuestionError). The question layer is handed in, so the graph layer
    never imports it.

    Raises KgError when it cannot listen on the host and port.
    """
    import waitress

    page, examples = PAGE.read_bytes(), []
    if questions is None:
        settings.ask = False
    if settings.ask:
        examples = questions(graph).examples  # builds the parser's vocabulary once, before the workers
    # Inside a <script>: "<" escaped, so no example can close the element.
    page = page.replace(b"{{examples}}", json.dumps(examples[:8]).replace("<", "\\u003c").encode())
    page = page.replace(b"{{prefixes}}", json.dumps(terms.PREFIXES).replace("<", "\\u003c").encode())
    preload_error_messages()
    pool = Pool(settings.workers, lambda: worker_setup(graph, settings, questions), waiting=settings.queue,
                confine=sandbox.deny_network)
    endpoint = Endpoint(pool, settings, page)
    if pool.confined is not True:
        reason = pool.confined or f"not supported on {sys.platform} {os.uname().machine}"
        endpoint.log(f"kg serve: warning: the query workers keep network access ({reason}); "
                     "SERVICE is refused by the query check alone")
    try:
        server = waitress.create_server(
            endpoint, host=settings.host, port=settings.port, threads=settings.workers + settings.queue + 4,
            max_request_body_size=settings.max_body, ident="runner-kg", expose_tracebacks=False,
            connection_limit=settings.connections, channel_timeout=settings.idle_timeout, cleanup_interval=1)
    except (OSError, ValueError) as e:  # in use, not ours, or a host name that does not resolve
        pool.close()
        raise KgError(f"cannot listen on {settings.host}:{settings.port}: "
                      f"{getattr(e, 'strerror', None) or e}") from None
    _quiet_waitress()
    channel = _channel_class(endpoint)
    for listener in getattr(server, "servers", None) or [server]:  # several when a host name has several addresses
        listener.channel_class = channel
        listener.maintenance = functools.partial(_maintenance, listener, listener.maintenance, settings)
    # On SIGTERM, requests in progress may finish within the query time limit before the workers stop.
    server.task_dispatcher.shutdown = functools.partial(server.task_dispatcher.shutdown, timeout=settings.timeout + 1)
    host, port = (server.effective_host, server.effective_port) if hasattr(server, "effective_port") else \
        server.effective_listen[0][:2]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    previous = signal.signal(signal.SIGTERM, _stop), signal.signal(signal.SIGINT, _stop)
    try:
        if announce:
            announce(url)
        server.run()  # returns on SIGTERM and Ctrl-C, after the requests in progress
    finally:
        server.close()
        pool.close()
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def _stop(signum, frame):
    """The first SIGTERM or Ctrl-C stops the server; more while it stops are ignored."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(0)


class Endpoint:
    """The WSGI application: checks each request, hands it to a worker, streams the reply."""

    def __init__(self, pool: Pool, settings: Settings, page: bytes):
        self.pool, self.settings, self.page = pool, settings, page
        self._log_lock = threading.Lock()

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"
        note = ""
        try:
            status, headers, body = self._route(environ, method, path)
        except KgError as e:
            status, headers, body = _status(e), {"Content-Type": TEXT, **getattr(e, "headers", {})}, [f"{e}\n".encode()]
            note = " (time limit: worker killed and replaced)" if isinstance(e, QueryTimeout) else ""
        vary = ["Accept"] if path in ("/sparql", "/sparql/") else []  # the reply's format follows Accept
        cors = self._cors(environ)
        vary += [cors.pop("Vary")] if "Vary" in cors else []
        headers.update(cors)
        if vary:
            headers["Vary"] = ", ".join(vary)
        if method == "HEAD":
            # The headers of the GET reply and no body: waitress would send one, which the client
            # would then read as the start of the next reply on the connection.
            try:
                headers["Content-Length"] = str(sum(len(chunk) for chunk in body))
            except (QueryTimeout, WorkerDied) as e:  # the reply stopped half way, as the GET's would
                status = _status(e) if isinstance(e, KgError) else 500
                headers = {"Content-Type": TEXT, "Content-Length": "0"}
            body = []
        elif isinstance(body, list):
            headers["Content-Length"] = str(sum(len(chunk) for chunk in body))
        start_response(f"{status} {HTTPStatus(status).phrase}", list(headers.items()))
        if "X-SPARQL-MaxRows" in headers:
            note = f" (cut at {headers['X-SPARQL-MaxRows']} rows)"
        return self._logged(body, environ, method, path, status, started, note)

    # -- routes ---------------------------------------------------------------------------------

    def _route(self, environ, method: str, path: str):
        if method == "OPTIONS" and self.settings.cors:
            return 204, {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                         "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"}, []
        if path in ("/sparql", "/sparql/"):
            return self._sparql(environ, method)
        if path == "/ask":
            _allow(method, ("POST",))
            return self._ask(environ)
        if path in ("/", "/index.html"):
            _allow(method, ("GET", "HEAD"))
            return 200, {"Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff",
                         "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                                                    "style-src 'unsafe-inline'; connect-src 'self'"}, [self.page]
        if path == "/health":
            _allow(method, ("GET", "HEAD"))
            return self._health(environ)
        raise RequestError(404, f"no such page: {path}; the SPARQL endpoint is /sparql, questions go to POST /ask")

    def _sparql(self, environ, method: str):
        _allow(method, ("GET", "HEAD", "POST"))
        method = "GET" if method == "HEAD" else method  # the same reply; the server leaves out the body
        params = _params(environ.get("QUERY_STRING", ""))
        if method == "POST":
            media_type, charset = _content_type(environ)
            body = self._body(environ)
            if media_type == "application/x-www-form-urlencoded":
                params += _params(_utf8(body, "the form"))
            elif media_type == "application/sparql-query":
                if charset not in (None, "utf-8"):
                    raise RequestError(415, f"a query must be sent as UTF-8, not {charset}")
                params.append(("query", _utf8(body, "the query")))
            elif media_type == "application/sparql-update":
                raise ReadOnlyError(READ_ONLY)
            else:
                raise RequestError(415, "POST a query as application/x-www-form-urlencoded (query=...) or as "
                                        "application/sparql-query" + (f", not {media_type}" if media_type else
                                                                      "; the request has no Content-Type"))
        queries = [v for k, v in params if k == "query"]
        if any(k == "update" for k, _ in params):
            raise ReadOnlyError(READ_ONLY)
        if not queries:
            if method == "GET" and not params:
                return 200, {"Content-Type": "text/turtle; charset=utf-8"}, [_description(environ)]
            raise QueryError("no query: send it as the query parameter, e.g. /sparql?query=ASK%20%7B%7D")
        if len(queries) > 1:
            raise QueryError(f"{len(queries)} query parameters; send exactly one")
        text = queries[0]
        if len(text.encode()) > self.settings.max_body:
            raise RequestError(413, f"the query is longer than the {self.settings.max_body:,}-byte limit")
        check_read_only(text, "this endpoint")
        accept = environ.get("HTTP_ACCEPT")
        named = [v for k, v in params if k in ("format", "output")]
        if named:
            if named[0].lower() not in FORMAT_NAMES:
                raise RequestError(400, f"unknown format {named[0]!r}; use one of {', '.join(FORMAT_NAMES)}, "
                                        "or an Accept header")
            accept = FORMAT_NAMES[named[0].lower()]
        job = {"kind": "sparql", "query": text, "accept": accept, "base": _endpoint_url(environ),
               "default": [v for k, v in params if k == "default-graph-uri"] or None,
               "named": [v for k, v in params if k == "named-graph-uri"] or None}
        return self._run(job, environ)

    def _ask(self, environ):
        if not self.settings.ask:
            raise RequestError(404, "questions are turned off on this server (kg serve --no-ask)")
        try:
            request = json.loads(self._body(environ) or b"null")
        except ValueError as e:
            raise RequestError(400, f"the body is not JSON: {e}") from None
        except RecursionError:
            raise RequestError(400, "the body is not a question: JSON nested too deeply") from None
        if not isinstance(request, dict) or not isinstance(request.get("question"), str):
            raise RequestError(400, 'send a JSON object with the question, e.g. {"question": "what causes ITBS?"}')
        return self._run({"kind": "ask", "question": request["question"]}, environ)

    def _health(self, environ):
        """200 when a worker answers a real query on the store, else 503 saying why: a load
        balancer then sends the traffic elsewhere."""
        health = {"status": "ok", "workers": self.pool.size, "idle": self.pool.idle, "restarts": self.pool.restarts,
                  "network": "denied" if self.pool.confined is True else "open"}
        job = {"kind": "sparql", "query": "ASK { ?s ?p ?o }", "accept": "application/sparql-results+json",
               "base": _endpoint_url(environ), "default": None, "named": None}
        try:
            reply = self.pool.call(job, min(self.settings.timeout, 5.0), "health " + environ.get("REMOTE_ADDR", ""))
            body = b"".join(reply.body())
            if reply.status != 200:
                health.update(status="failing", error=body.decode("utf-8", "replace").strip())
        except Overloaded as e:
            health.update(status="busy", error=str(e))
        except (QueryTimeout, WorkerDied) as e:
            health.update(status="failing", error=f"a worker could not answer a query: {e}")
        status = 200 if health["status"] == "ok" else 503
        return status, {"Content-Type": "application/json"}, [json.dumps(health).encode()]

    def _run(self, job: dict, environ):
        try:
            reply = self.pool.call(job, self.settings.timeout, environ.get("REMOTE_ADDR", ""))
        except Overloaded as e:
            raise RequestError(503, f"overloaded: {e}; try again shortly", {"Retry-After": "1"}) from None
        except QueryTimeout:
            raise QueryTimeout(f"query stopped after the {self.settings.timeout:g} s time limit") from None
        except WorkerDied as e:
            raise RequestError(500, f"the query process ended unexpectedly ({e})") from None
        headers = {"Content-Type": reply.content_type, **reply.headers}
        # A reply that fits in BUFFERED bytes is sent whole, with a Content-Length, so the connection
        # stays open for the client's next request (waitress closes it after a streamed reply).
        chunks, head, size = reply.body(), [], 0
        for chunk in chunks:
            head.append(chunk)
            size += len(chunk)
            if size > BUFFERED:
                return reply.status, headers, itertools.chain(head, chunks)
        return reply.status, headers, head

    # -- helpers --------------------------------------------------------------------------------

    def _body(self, environ) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise RequestError(400, "Content-Length is not a number") from None
        if length > self.settings.max_body:
            raise RequestError(413, f"the request body is larger than the {self.settings.max_body:,}-byte limit")
        body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read(self.settings.max_body + 1)
        if len(body) > self.settings.max_body:
            raise RequestError(413, f"the request body is larger than the {self.settings.max_body:,}-byte limit")
        return body

    def _cors(self, environ) -> dict:
        allowed = self.settings.cors
        if not allowed:
            return {}
        origin = environ.get("HTTP_ORIGIN")
        exposed = {"Access-Control-Expose-Headers": "X-SPARQL-MaxRows"}
        if "*" in allowed:
            return {"Access-Control-Allow-Origin": "*", **exposed}
        if origin in allowed:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin", **exposed}
        return {"Vary": "Origin"}

    def _logged(self, body, environ, method, path, status, started, note):
        """The body, passed through; one log line once it is all sent (or why it stopped)."""
        outcome = ""
        try:
            yield from body
        except QueryTimeout:
            outcome = " (stopped: time limit, worker replaced)"
            raise _Abort("time limit reached while sending") from None
        except WorkerDied:
            outcome = " (stopped: the worker ended)"
            raise _Abort("worker ended while sending") from None
        except GeneratorExit:
            outcome = " (client went away)"
            raise
        finally:
            ms = (time.perf_counter() - started) * 1000
            self.log(f"{environ.get('REMOTE_ADDR', '-')} {method} {path} {status} {ms:.1f} ms{note}{outcome}")

    def log(self, line: str) -> None:
        """One line on standard error, after the time it was written (UTC, ISO 8601, to the ms)."""
        stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self._log_lock:
            print(f"{stamp} {line}", file=sys.stderr, flush=True)


class _Abort(Exception):
    """Raised mid-body: the server drops the connection, so the client sees an incomplete reply."""


def _status(error: KgError) -> int:
    if isinstance(error, RequestError):
        return error.status
    if isinstance(error, (ReadOnlyError, RefusedError)):
        return 403
    if isinstance(error, QueryTimeout):
        return 503
    return 400


def _allow(method: str, allowed: tuple[str, ...]) -> None:
    if method not in allowed:
        raise RequestError(405, f"{method} is not allowed here; use {' or '.join(allowed)}",
                           {"Allow": ", ".join(allowed)})


def _params(query_string: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise RequestError(400, "the parameters are not UTF-8") from None


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestError(400, f"{what} is not UTF-8") from None


def _content_type(environ) -> tuple[str, str | None]:
    """The request's media type and charset, lower-cased."""
    value = environ.get("CONTENT_TYPE", "")
    media_type, *options = [part.strip() for part in value.split(";")]
    charset = None
    for option in options:
        name, _, v = option.partition("=")
        if name.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    return media_type.lower(), charset


def _endpoint_url(environ) -> str:
    """This endpoint's URL as the client named it (the Host header, if it is a plain host name)."""
    host = environ.get("HTTP_HOST", "")
    if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", host):
        host = f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('PATH_INFO', '/sparql')}"


def _description(environ) -> bytes:
    """A SPARQL 1.1 Service Description of this endpoint, for a GET with no query."""
    url = _endpoint_url(environ)
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in
                        ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                         "Turtle", "N-Triples", "JSON-LD", "RDF_XML"))
    return (f"@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\n"
            f"[] a sd:Service ;\n  sd:endpoint <{url}> ;\n  sd:supportedLanguage sd:SPARQL11Query ;\n"
            f"  sd:feature sd:UnionDefaultGraph ;\n  sd:resultFormat {formats} .\n").encode()


def _maintenance(server, maintenance, settings: Settings, now: float) -> None:
    """waitress's own sweep (idle connections), and cut every client that has been sending one
    request for longer than the deadline: a slow client cannot hold a connection open forever."""
    maintenance(now)
    for channel in list(server.active_channels.values()):
        channel.check_deadline(time.monotonic())


def _channel_class(endpoint: Endpoint):
    """waitress's connections, with its own rejections (a malformed request, headers or a body
    over the limits) answered in one line and logged like every other request; at most
    ``connections_per_client`` of them per client address; and a request that takes longer than
    ``request_deadline`` to arrive is cut (slow clients)."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    settings = endpoint.settings
    open_by_client: dict[str, int] = {}
    lock = threading.Lock()

    limits = {413: f"the request body is larger than the {endpoint.settings.max_body:,}-byte limit",
              431: "the request line and headers are too large; send a long query as POST"}

    class OneLineError(ErrorTask):
        def execute(self):
            error = self.request.error
            message = limits.get(error.code) or f"bad request: {error.body}"
            body = (message + "\n").encode()
            self.status = f"{error.code} {error.reason}"
            self.response_headers.extend([("Content-Type", TEXT), ("Connection", "close")])
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)
            # A request rejected while its first line was read has no method or path yet.
            method, path = getattr(self.request, "command", None), getattr(self.request, "path", None)
            path = urllib.parse.urlsplit(path).path if path else "-"
            endpoint.log(f"{self.channel.addr[0] if self.channel.addr else '-'} {method or '-'} "
                         f"{path} {error.code} 0.0 ms (rejected: {message})")

    class Channel(HTTPChannel):
        error_task_class = OneLineError
        arriving: float | None = None  # when the request being received began to arrive
        counted = False

        def __init__(self, server, sock, addr, adj, map=None):
            self.client = addr[0] if addr else "-"
            with lock:
                mine = open_by_client.get(self.client, 0)
                if mine < settings.connections_per_client:
                    open_by_client[self.client] = mine + 1
                    self.counted = True
            super().__init__(server, sock, addr, adj, map)
            if not self.counted:
                body = (f"too many connections from {self.client} (limit {settings.connections_per_client}); "
                        "close some and try again\n").encode()
                self.write_soon(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                self.close_when_flushed = True
                endpoint.log(f"{self.client} - - 503 0.0 ms (rejected: more than {settings.connections_per_client} "
                             "connections from this client)")

        def received(self, data):
            if self.request is None and data:
                self.arriving = time.monotonic()
            result = super().received(data)
            self.check_deadline(time.monotonic())
            return result

        def check_deadline(self, now: float) -> None:
            if self.request is None or self.arriving is None or self.will_close:
                return
            if now - self.arriving > settings.request_deadline:
                self.will_close = True
                endpoint.log(f"{self.client} - - - {(now - self.arriving) * 1000:.1f} ms (cut: the request was not "
                             f"complete after {settings.request_deadline:g} s)")

        def del_channel(self, map=None):
            if self.counted:
                self.counted = False
                with lock:
                    open_by_client[self.client] -= 1
                    if not open_by_client[self.client]:
                        del open_by_client[self.client]
            super().del_channel(map)

    return Channel


class _OneLine(logging.Filter):
    """waitress logs an application error with its traceback; keep the one line that says what."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], _Abort):
            record.msg, record.args = f"connection dropped: {record.exc_info[1]}", ()
        elif record.exc_info:
            record.msg, record.args = f"{record.getMessage()}: {record.exc_info[1]!r}", ()
        record.exc_info = record.exc_text = None
        return True


def _quiet_waitress() -> None:
    """waitress's own messages (and those of its child loggers) as single lines on stderr."""
    logger = logging.getLogger("waitress")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.addFilter(_OneLine())
        handler.setFormatter(logging.Formatter("kg serve: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
