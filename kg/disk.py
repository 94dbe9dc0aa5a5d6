"""The persistent store: `kg load FILE... --store DIR` once, then `--store DIR` on every command.

A store directory holds generations, each a complete pyoxigraph RocksDB store, and a CURRENT file
naming the one in use. A load builds a new generation beside the others (bulk-loaded, then
reasoned over), and only when it is complete does CURRENT switch to it, by an atomic rename. A
load killed half way leaves CURRENT, and so the previous store, untouched; the next load removes
its leftovers. Readers open the current generation read-only, so any number of them can run while
a load builds the next one. One load at a time: a second gets a one-line error, not a wait.

A reader holds a shared lock on its generation's directory for as long as it runs (a server, and
the workers it forks, included); a load deletes an old generation only when it can take that lock
exclusively, so a generation in use is never deleted under its reader, and a later load removes it.
"""

import fcntl
import os
import shutil
import time
import weakref
from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from . import terms
from .errors import DataError, StoreError
from .load import check_file, rdf_format, refuse_entities, syntax_message, too_large
from .store import KnowledgeGraph

CURRENT = "CURRENT"
COMPLETE = "COMPLETE"
#: What COMPLETE says of the generation's layout. Layout 2: every triple in exactly one graph (the
#: rule graphs hold only what no other graph does), so the union default graph is a set.
LAYOUT = "layout 2"
LOCK = "LOCK"
PREFIX = "generation-"


def load(files: Sequence[Path | str], directory: Path | str, prepare=None, progress=None) -> dict:
    """Build a new generation from the shipped ontology and ``files``, with inferences, and switch to it.

    ``prepare(graph)``, if given, runs on the finished generation before it becomes current (the
    question parser builds its vocabulary there). Returns what was done: the files, the triples
    each rule inferred, seconds per stage. Raises DataError for a bad input (the previous store
    stays current) and StoreError if another load holds the directory. ``progress(text)``, if
    given, is told each stage as it starts.
    """
    from .reason import infer

    progress = progress or (lambda text: None)

    directory = Path(directory)
    _prepare_directory(directory)
    inputs = [terms.ONTOLOGY, *(Path(f) for f in files)]
    for path in inputs:
        rdf_format(path)  # an unknown extension fails before any work
        check_file(path)
    with _exclusive(directory):
        _remove_leftovers(directory)
        generation = directory / f"{PREFIX}{time.time_ns()}-{os.getpid()}"
        started = time.perf_counter()
        try:
            store = Store(str(generation))
            for k, path in enumerate(inputs, 1):
                progress(f"parsing {path.name} ({k} of {len(inputs)}, {path.stat().st_size / 2**20:,.1f} MiB)")
                _bulk_load(store, path)
            loaded = time.perf_counter()
            progress(f"reasoning over {len(store):,} triples")
            inferred = infer(store)
            reasoned = time.perf_counter()
            if prepare is not None:
                progress(f"building the question parser's vocabulary ({sum(inferred.values()):,} triples inferred)")
                prepare(KnowledgeGraph(store, key=generation.name, path=generation))
            store.flush()
            del store
            (generation / COMPLETE).write_text(f"complete\n{LAYOUT}\n")
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        _switch(directory, generation.name)
        _remove_leftovers(directory)
        finished = time.perf_counter()
    return {"generation": generation.name, "files": [str(p) for p in inputs],
            "inferred": {r.value.rsplit("/", 1)[-1]: n for r, n in inferred.items()},
            "load_seconds": round(loaded - started, 3), "reason_seconds": round(reasoned - loaded, 3),
            "prepare_seconds": round(finished - reasoned, 3)}


def open_store(directory: Path | str) -> KnowledgeGraph:
    """The current generation of a store directory, opened read-only and held (see above)."""
    directory = Path(directory)
    for _ in range(3):
        name = _current_name(directory)
        generation = directory / name
        try:
            hold = os.open(generation, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue  # a load switched CURRENT and removed this one since we read it: read again
        try:
            fcntl.flock(hold, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(hold)
            time.sleep(0.05)
            continue  # a load is removing it right now
        try:
            store = Store.read_only(str(generation))
        except (OSError, RuntimeError) as e:  # RocksDB reports damage as RuntimeError("Corruption: ...")
            os.close(hold)
            raise StoreError(f"{directory}: cannot open the store: {_first_line(e)}") from None
        graph = KnowledgeGraph(store, key=name, path=generation)
        # The lock lasts while this process or a fork of it keeps the descriptor open.
        weakref.finalize(graph, os.close, hold)
        return graph
    raise StoreError(f"{directory}: the store changed while it was being opened; try again")


def _current_name(directory: Path) -> str:
    current = directory / CURRENT
    try:
        name = current.read_text().strip()
    except FileNotFoundError:
        if not directory.exists():
            raise StoreError(f"{directory}: no such store; create it with: kg load FILE... --store {directory}") from None
        raise StoreError(f"{directory}: not a runner-kg store (no {CURRENT} file); "
                         f"create one with: kg load FILE... --store {directory}") from None
    except OSError as e:
        raise StoreError(f"{directory}: cannot read the store: {e.strerror or e}") from None
    if not name.startswith(PREFIX) or "/" in name or not (directory / name / COMPLETE).is_file():
        raise StoreError(f"{directory}: the store is damaged ({CURRENT} names no complete generation: {name!r}); "
                         f"rebuild it with: kg load FILE... --store {directory}")
    if LAYOUT not in (directory / name / COMPLETE).read_text().splitlines():
        raise StoreError(f"{directory}: the store was made by an older runner-kg (its default graph would repeat "
                         f"facts both stated and inferred); rebuild it with: kg load FILE... --store {directory}")
    return name


def _prepare_directory(directory: Path) -> None:
    """Create the store directory, or check that an existing one is a store or empty.

    A load into a folder of other files (``--store .`` by mistake) would mix generations in with
    them, so it is refused; nothing is written there.
    """
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory}: is a file, not a store directory; choose a new or empty directory")
    if directory.is_dir() and not (directory / CURRENT).exists():
        mine = {LOCK, f".{CURRENT}.tmp"}
        others = [c.name for c in directory.iterdir() if c.name not in mine and not c.name.startswith(PREFIX)]
        if others:
            raise StoreError(f"{directory}: not a runner-kg store and not empty (it holds {others[0]!r}"
                             f"{' and more' if len(others) > 1 else ''}); choose a new or empty directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"{directory}: cannot create the store directory: {e.strerror or e}") from None


def _bulk_load(store: Store, path: Path) -> None:
    fmt = rdf_format(path)
    if fmt == RdfFormat.RDF_XML:
        with open(path, "rb") as f:
            refuse_entities(path, f)
    try:
        store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
    except SyntaxError as e:
        content = path.read_bytes() if fmt == RdfFormat.RDF_XML else b""
        raise DataError(syntax_message(path, fmt, content, e)) from None
    except MemoryError as e:
        raise DataError(too_large(path, e)) from None
    except (ValueError, OSError) as e:
        raise DataError(f"{path}: {_first_line(e)}") from None


class _exclusive:
    """Hold the directory's lock file for the length of a load; refuse at once if another holds it."""

    def __init__(self, directory: Path):
        self.path = directory / LOCK

    def __enter__(self):
        self.file = open(self.path, "a+")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.seek(0)
            holder = self.file.read().strip() or "another process"
            self.file.close()
            raise StoreError(f"{self.path.parent}: locked by a load in progress ({holder}); "
                             "wait for it to finish") from None
        self.file.seek(0)
        self.file.truncate()
        self.file.write(f"pid {os.getpid()}")
        self.file.flush()
        return self

    def __exit__(self, *exc):
        self.file.truncate(0)
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _switch(directory: Path, name: str) -> None:
    """Point CURRENT at a generation: write a temporary file, fsync it, rename it over CURRENT."""
    tmp = directory / f".{CURRENT}.tmp"
    with open(tmp, "w") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, directory / CURRENT)
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_leftovers(directory: Path) -> None:
    """Delete loads that were killed half way, and complete generations older than the previous one.

    The previous generation stays, so a reader that opened it just before the switch can finish.
    """
    try:
        current = (directory / CURRENT).read_text().strip()
    except OSError:
        current = None
    complete = sorted((c for c in directory.iterdir() if c.name.startswith(PREFIX) and (c / COMPLETE).exists()),
                      key=lambda c: c.name)
    keep = {current} | set([c.name for c in complete if c.name != current][-1:])
    for child in directory.iterdir():
        if child.name.startswith(PREFIX) and child.name not in keep:
            _remove_unless_held(child)


def _remove_unless_held(generation: Path) -> None:
    """Delete a generation no reader holds; one still in use stays for a later load to remove."""
    try:
        fd = os.open(generation, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return
    else:
        shutil.rmtree(generation, ignore_errors=True)
    finally:
        os.close(fd)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
