"""A pre-fork candidate for issue 13, measured by bench/peers.py, not shipped: kg serve's own query
handler (kg.jobs) run inside each gunicorn worker, which accepts HTTP itself, so a request costs
no hand-off between a front-end process and a query worker. GET /sparql?query= only; no request
checks, limits or /ask: it measures the ceiling of the architecture, not a server to run.

    PYTHONPATH=bench gunicorn -w 2 -k sync --timeout 10 prefork_app:app
"""

import urllib.parse

from kg import open_graph
from kg.jobs import worker_setup
from kg.serve import Settings

graph = open_graph()
settings = Settings(ask=False)
_handle = None


class _Collect:
    """The writer kg.jobs writes a reply to, kept in memory."""

    def __init__(self):
        self.status, self.content_type, self.headers, self.parts = 200, "text/plain", {}, []

    def start(self, status, content_type, headers=None):
        self.status, self.content_type, self.headers = status, content_type, headers or {}

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def finish(self):
        pass

    def fail(self, status, message):
        self.status, self.content_type, self.parts = status, "text/plain; charset=utf-8", [message.encode()]


def app(environ, start_response):
    global _handle
    if _handle is None:  # in the worker, after the fork: its own handle on the store
        _handle = worker_setup(graph, settings)
    params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    job = {"kind": "sparql", "query": (params.get("query") or ["ASK {}"])[0], "accept": environ.get("HTTP_ACCEPT"),
           "base": "http://127.0.0.1/sparql", "default": None, "named": None}
    out = _Collect()
    _handle(job, out)
    body = b"".join(out.parts)
    start_response(f"{out.status} -", [("Content-Type", out.content_type), ("Content-Length", str(len(body))),
                                       *out.headers.items()])
    return [body]
