"""Shared fixtures: one cache directory per test session, the shipped graph loaded once."""

import os
import socket
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory):
    """Keep the tests' cache out of the user's cache directory."""
    path = tmp_path_factory.mktemp("kg-cache")
    old = os.environ.get("KG_CACHE_DIR")
    os.environ["KG_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("KG_CACHE_DIR", None)
    else:
        os.environ["KG_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def graph(cache_dir):
    """The shipped ontology with its inferences."""
    from kg import open_graph

    return open_graph()


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache directory for tests that watch the cache itself: the folder it writes in."""
    from kg import cache

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    return cache.directory()


@pytest.fixture(scope="session")
def cli():
    """Run ``kg`` in-process: cli(*args, input=None) -> click Result."""
    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture(scope="session")
def asker(graph):
    """The question pipeline over the shipped graph, loaded once."""
    from nlp import Asker

    return Asker(graph)


def pytest_terminal_summary(terminalreporter):
    """Print the question-suite scores (macro precision, recall, F1, yes/no accuracy) after the run."""
    from .questions.score import REPORTS

    for name, result in REPORTS.items():
        terminalreporter.section(f"question suite: {name}")
        terminalreporter.write_line(
            f"{result['questions']} questions: macro precision {result['macro_precision']:.3f}, "
            f"macro recall {result['macro_recall']:.3f}, macro F1 {result['macro_f1']:.3f}, "
            f"yes/no accuracy {result['yes_no_accuracy']:.3f}")
        worst = sorted(result["by_category"].items(), key=lambda kv: kv[1])[:5]
        terminalreporter.write_line("lowest categories: " + ", ".join(f"{c} {v:.2f}" for c, v in worst))


ROOT = Path(__file__).parent.parent


class Server:
    """``kg serve`` running in its own process on 127.0.0.1, with a free port; its log is kept."""

    def __init__(self, *args: str, timeout: float = 90):
        import subprocess
        import sys
        import threading
        import time

        self.process = subprocess.Popen(
            [sys.executable, "-c", "import cli; cli.main()", "serve", "--host", "127.0.0.1", "--port", "0", *args],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        self.lines: list[str] = []
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError("kg serve did not start:\n" + "\n".join(self.lines))
        url = next(line for line in self.lines if "listening on" in line).split("listening on ")[1].split()[0]
        self.url = url.rstrip("/")
        self.sparql = self.url + "/sparql"

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            if "listening on" in line:
                self._listening.set()

    def request(self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
                timeout: float = 60, source: str | None = None):
        """(status, headers as a lower-cased dict, body bytes) of one request, sent as given.

        ``source`` is the loopback address to send from (127.0.0.2 ...): another client, as the
        server's per-client shares see it."""
        import http.client
        import urllib.parse

        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout,
                                                source_address=(source, 0) if source else None)
        try:
            connection.request(method, path, body=body.encode() if isinstance(body, str) else body,
                               headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def stop(self) -> int:
        import signal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except Exception:
            self.process.kill()
            raise
        self._reader.join(timeout=5)
        return code


@pytest.fixture()
def start_server(cache_dir):
    """Start ``kg serve ARGS...`` for one test; each server started is stopped after it."""
    servers = []

    def start(*args: str) -> Server:
        server = Server(*args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def server(cache_dir):
    """A server on the shipped graph for a test module: 2 workers, a 3 s time limit, results cut
    at 200 rows, bodies and queries up to 64 KiB."""
    server = Server("--workers", "2", "--timeout", "3", "--max-rows", "200", "--max-body", "65536")
    yield server
    server.stop()


class Listener:
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture()
def listener():
    found = Listener()
    yield found
    found.close()
