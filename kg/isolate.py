"""Run a function in a forked child that can be stopped.

pyoxigraph evaluates a query inside Rust without returning to Python, so neither a timeout nor
Ctrl-C can interrupt it in-process. A forked child shares the loaded store for free (copy on
write), and killing it stops the work at once.
"""

import os
import pickle
import select
import signal
import time
from collections.abc import Callable

from .errors import InternalError, KgError, QueryTimeout


def call(fn: Callable, *args, timeout: float | None = None, network: bool = False):
    """``fn(*args)`` in a child process; its result or KgError comes back, others are re-raised.

    Raises QueryTimeout when ``timeout`` seconds pass first. The child has no network unless
    ``network`` (kg.sandbox, where the platform allows). Without ``os.fork`` (Windows) the call
    runs in-process and cannot be stopped.
    """
    if not hasattr(os, "fork"):
        return fn(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        code = 0
        try:
            if not network:
                _deny_network()
            payload = pickle.dumps(("ok", fn(*args)))
        except BaseException as e:  # sent to the parent, which decides what to show
            # A KgError is the user's (bad input, a timeout); anything else is the tool's own fault.
            payload = pickle.dumps(("error", e if isinstance(e, KgError) else InternalError(f"{type(e).__name__}: {e}")))
            code = 1
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        payload = _read_all(read_end, timeout)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not payload:
        raise InternalError("the query process died without an answer")
    status, value = pickle.loads(payload)
    if status == "error":
        raise value
    return value


def _deny_network() -> None:
    """Best effort: where the kernel refuses the filter, the query check (kg.sparql) still holds."""
    from . import sandbox

    try:
        sandbox.deny_network()
    except OSError:
        pass


def _read_all(fd: int, timeout: float | None) -> bytes:
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks = []
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise QueryTimeout(f"query stopped after the {timeout:g} s time limit (--timeout)")
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
