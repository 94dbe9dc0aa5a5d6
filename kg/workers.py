"""Worker processes for the server: each runs one job at a time, and can be killed and replaced.

pyoxigraph evaluates a query inside Rust and has no time limit, so a runaway query can only be
stopped by ending the process that runs it. The server's threads hand jobs to a pool of worker
processes over socket pairs; a job that passes its deadline gets its worker killed (SIGKILL) and
a fresh one forked in its place, while the other workers go on answering.

Workers are forked by a zygote: a process forked once, before the server starts any thread, that
does nothing but fork. Forking a process that runs threads can copy a lock some other thread held
into a child that will never release it; the zygote has one thread, so its children start clean,
and they share the loaded graph with it copy-on-write.
"""

import collections
import json
import os
import pickle
import select
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator

from .errors import QueryTimeout

HEADER, DATA, END, ERROR = b"H", b"D", b"E", b"X"
_FRAME = struct.Struct("!cI")
CHUNK = 1 << 16


class Overloaded(Exception):
    """Every worker is busy and the queue of waiting requests is full."""


class WorkerDied(Exception):
    """A worker ended in the middle of a job (killed from outside, or out of memory)."""


class Writer:
    """The worker's side of a job's reply: a header, then the body in chunks (a binary file for
    pyoxigraph's serializers), then an end mark."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = bytearray()
        self.started = False

    def start(self, status: int, content_type: str, headers: dict | None = None) -> None:
        self.started = True
        _send(self.sock, HEADER, json.dumps({"status": status, "content_type": content_type,
                                             "headers": headers or {}}).encode())

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            _send(self.sock, DATA, bytes(self.buffer))
            self.buffer.clear()

    def finish(self) -> None:
        self.flush()
        _send(self.sock, END, b"")

    def fail(self, status: int, message: str) -> None:
        _send(self.sock, ERROR, json.dumps({"status": status, "message": message}).encode())


class Reply:
    """A job's reply as the server reads it: status, content type, extra headers, and the body."""

    def __init__(self, pool: "Pool", worker: "_Worker", header: dict, deadline: float):
        self.status = header["status"]
        self.content_type = header["content_type"]
        self.headers = header["headers"]
        self._pool, self._worker, self._deadline = pool, worker, deadline

    def body(self) -> Iterator[bytes]:
        """The body's chunks as the worker writes them; the worker is released at the end, or killed
        if the deadline passes or the reader stops early (it would still be writing)."""
        finished = False
        try:
            while True:
                kind, payload = _receive(self._worker.sock, self._deadline)
                if kind == END:
                    finished = True
                    return
                yield payload
        finally:
            if finished:
                self._pool._release(self._worker)
            else:
                self._pool._replace(self._worker)


class Pool:
    """``size`` worker processes, each running ``setup()`` once, then ``handle(job, writer)`` per job.

    Create it before starting any thread. ``waiting`` requests at most wait for a free worker;
    more raise Overloaded at once. ``confine()``, if given, runs once in the zygote before any
    worker exists, so that every worker inherits what it does (kg.sandbox.deny_network); what it
    returns, or the error it raised, is ``confined``.

    Workers are shared out by client: one client holds at most ``share`` workers at once (half,
    at least one) and at most ``queue_share`` places in the queue (a quarter, at least one), and a
    free worker goes to the longest-waiting request whose client is under its share. So a client
    sending runaway queries or word salads ties up its own share, and the others keep the rest.
    """

    def __init__(self, size: int, setup: Callable[[], Callable[[dict, Writer], None]], *, waiting: int,
                 confine: Callable[[], bool] | None = None):
        self.size = size
        self.share = max(1, size // 2)
        self.queue_share = max(1, waiting // 4)
        self._setup = setup
        self._max_waiting = waiting
        self._lock = threading.Condition()
        self._zygote_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._queue: collections.deque[_Ticket] = collections.deque()  # requests waiting, oldest first
        self._running: collections.Counter = collections.Counter()  # client -> workers held
        self._waiting_by: collections.Counter = collections.Counter()  # client -> tickets queued
        self._all: set[_Worker] = set()
        self.restarts = 0
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            _zygote(theirs, setup, confine)
        theirs.close()
        self._zygote, self._zygote_pid = ours, pid
        self.confined: bool | str = json.loads(_receive(ours, None)[1])
        for _ in range(size):
            self._idle.append(self._spawn())

    def call(self, job: dict, timeout: float, client: str = "") -> Reply:
        """Run ``job`` on a free worker and return its reply once the header is in.

        ``client`` names who asks (the server uses the peer's address), for the shares above.
        Raises Overloaded, QueryTimeout (the worker is killed and replaced), or WorkerDied.
        """
        for attempt in (1, 2):  # a worker found dead (killed from outside, out of memory): once more, fresh
            worker = self._acquire(timeout, client)
            deadline = time.monotonic() + timeout  # the time limit counts from when a worker has the job
            try:
                _send(worker.sock, DATA, pickle.dumps(job))
                kind, payload = _receive(worker.sock, deadline)
                break
            except (OSError, WorkerDied) as e:
                self._replace(worker)
                if attempt == 2:
                    raise WorkerDied(str(e)) from None
            except BaseException:
                self._replace(worker)
                raise
        if kind == ERROR:
            self._release(worker)
            return _Failure(json.loads(payload))
        if kind != HEADER:
            self._replace(worker)
            raise WorkerDied(f"the worker sent {kind!r} before a header")
        return Reply(self, worker, json.loads(payload), deadline)

    @property
    def idle(self) -> int:
        return len(self._idle)

    def close(self) -> None:
        """Stop every worker and the zygote."""
        for worker in list(self._all):
            worker.kill()
        self._zygote.close()
        _reap(self._zygote_pid)

    def _acquire(self, timeout: float, client: str) -> "_Worker":
        deadline = time.monotonic() + timeout
        with self._lock:
            if not (self._idle and self._running[client] < self.share and self._first_eligible() is None):  # must wait
                if len(self._queue) >= self._max_waiting:
                    raise Overloaded(f"{_count(self.size, 'worker')} busy and "
                                     f"{_count(len(self._queue), 'request')} waiting")
                if self._waiting_by[client] >= self.queue_share:
                    raise Overloaded(f"this client already has {_count(self._running[client], 'request')} "
                                     f"running and {self._waiting_by[client]} waiting")
            ticket = _Ticket(client)
            self._queue.append(ticket)
            self._waiting_by[client] += 1
            try:
                while not (self._idle and self._running[client] < self.share and self._first_eligible() is ticket):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise Overloaded(f"no worker came free within {timeout:g} s")
                    self._lock.wait(left)
            finally:
                self._queue.remove(ticket)
                self._waiting_by[client] -= 1
                self._lock.notify_all()  # the next in line may be eligible now
            self._running[client] += 1
            worker = self._idle.pop()
            worker.client = client
            return worker

    def _first_eligible(self):
        return next((t for t in self._queue if self._running[t.client] < self.share), None)

    def _give_back(self, worker: "_Worker", replacement: "_Worker | None") -> None:
        with self._lock:
            self._running[worker.client] -= 1
            if not self._running[worker.client]:
                del self._running[worker.client]
            self._idle.append(replacement or worker)
            self._lock.notify_all()

    def _release(self, worker: "_Worker") -> None:
        self._give_back(worker, None)

    def _replace(self, worker: "_Worker") -> None:
        worker.kill()
        self._all.discard(worker)
        self.restarts += 1
        self._give_back(worker, self._spawn())

    def _spawn(self) -> "_Worker":
        with self._zygote_lock:
            self._zygote.sendall(b"F")
            message, fds, _, _ = socket.recv_fds(self._zygote, 4, 1)
        if not fds:
            raise WorkerDied("the zygote could not fork a worker")
        worker = _Worker(struct.unpack("!i", message)[0], socket.socket(fileno=fds[0]))
        self._all.add(worker)
        return worker


class _Failure(Reply):
    """A reply that is an error the worker reported before writing anything."""

    def __init__(self, error: dict):
        self.status = error["status"]
        self.content_type = "text/plain; charset=utf-8"
        self.headers = {}
        self.message = error["message"]

    def body(self) -> Iterator[bytes]:
        yield (self.message + "\n").encode()


class _Ticket:
    """A request's place in the queue (compared by identity: a client may have several)."""

    __slots__ = ("client",)

    def __init__(self, client: str):
        self.client = client


class _Worker:
    def __init__(self, pid: int, sock: socket.socket):
        self.pid, self.sock = pid, sock
        self.client = ""  # who holds it while it runs a job

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.sock.close()


def _zygote(sock: socket.socket, setup, confine) -> None:
    """Fork a worker for each request from the server; exit when the server goes away."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        confined = bool(confine()) if confine else False
    except OSError as e:
        confined = str(e)
    _send(sock, DATA, json.dumps(confined).encode())
    while sock.recv(1):
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            sock.close()
            ours.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _work(theirs, setup)
        theirs.close()
        socket.send_fds(sock, [struct.pack("!i", pid)], [ours.fileno()])
        ours.close()
    os._exit(0)


def _work(sock: socket.socket, setup) -> None:
    """Run jobs until the server closes the socket."""
    code = 0
    try:
        handle = setup()
        while True:
            try:
                kind, payload = _receive(sock, None)
            except WorkerDied:
                break
            writer = Writer(sock)
            try:
                handle(pickle.loads(payload), writer)
            except Exception as e:  # never a traceback to the client: one line to the log, 500 out
                print(f"kg serve: worker {os.getpid()}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
                if writer.started:
                    break  # the reply is half written; the server sees this worker end
                writer.fail(500, "internal error while running the request (see the server log)")
    except BrokenPipeError:
        pass
    except BaseException as e:
        print(f"kg serve: worker {os.getpid()} stopped: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        code = 1
    finally:
        os._exit(code)


def _send(sock: socket.socket, kind: bytes, payload: bytes) -> None:
    sock.sendall(_FRAME.pack(kind, len(payload)) + payload)


def _receive(sock: socket.socket, deadline: float | None) -> tuple[bytes, bytes]:
    kind, size = _FRAME.unpack(_exactly(sock, _FRAME.size, deadline))
    return kind, _exactly(sock, size, deadline)


def _exactly(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([sock], [], [], wait)[0]:
                raise QueryTimeout("time limit reached")
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise WorkerDied("the worker ended before it finished the job")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _reap(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
