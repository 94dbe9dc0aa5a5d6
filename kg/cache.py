"""A content-keyed cache for work done once per set of input files.

An entry is a file named by a key that hashes the content of every input, so any change to an
input misses the cache. Each entry ends with a checksum of its body; an entry that fails the
check (truncated, edited, corrupted) is deleted and rebuilt, never trusted.

The cache lives in a folder of its own (``runner-kg`` inside ``$KG_CACHE_DIR`` or the user's cache
directory) and only ever deletes files with the names it gives: a cache directory pointed at a
folder of other files loses none of them.
"""

import hashlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

#: Bumped whenever what is cached, or how, changes.
SCHEMA = "7"
_TRAILER = b"\n#kg-cache sha256="
_KEEP = 16
#: The names of the files the cache writes: entries (a key and a kind) and their temporary files.
OWNED = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9_.-]+|\.tmp-kg-[A-Za-z0-9_]+|\.lexicon-[A-Za-z0-9_]+\.tmp")
_TMP = ".tmp-kg-"


def directory() -> Path:
    """The cache's own folder: ``runner-kg`` in ``$KG_CACHE_DIR``, else in the user's cache directory."""
    configured = os.environ.get("KG_CACHE_DIR")
    if configured:
        return Path(configured) / "runner-kg"
    import platformdirs

    return Path(platformdirs.user_cache_dir("runner-kg", appauthor=False))


def key(inputs: Iterable[tuple[str, bytes]], *extra: str) -> str:
    """A key for (name, content) pairs: equal only when every name and every byte is equal."""
    from . import __version__

    h = hashlib.sha256(f"{SCHEMA}\0{__version__}".encode())
    for part in extra:
        h.update(b"\0" + part.encode())
    for name, content in inputs:
        h.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(content).digest())
    return h.hexdigest()[:32]


def _entry(folder: Path | None, key: str, kind: str) -> Path:
    return (folder or directory()) / (f"{key}.{kind}" if kind else key)


def read(key: str, kind: str, folder: Path | None = None) -> bytes | None:
    """The body stored under ``key`` and ``kind``, or None when missing or corrupt."""
    path = _entry(folder, key, kind)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    body, sep, digest = data.rpartition(_TRAILER)
    if sep and digest.strip() == hashlib.sha256(body).hexdigest().encode():
        return body
    path.unlink(missing_ok=True)
    return None


def write(key: str, kind: str, body: bytes, folder: Path | None = None) -> bool:
    """Store ``body`` atomically; a cache that cannot be written is skipped (False), not an error.

    Entries in the user's cache directory are pruned to the most recent; a ``folder`` of one's own
    (a persistent store) is not pruned.
    """
    target = folder or directory()
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target, prefix=_TMP)
        with os.fdopen(fd, "wb") as f:
            f.write(body + _TRAILER + hashlib.sha256(body).hexdigest().encode() + b"\n")
        os.replace(tmp, _entry(folder, key, kind))
        if folder is None:
            _prune(target)
        return True
    except OSError:
        return False


def _prune(folder: Path) -> None:
    """Keep the most recently written entries; old ones only take space.

    Only regular files named as the cache names them are candidates; anything else in the folder,
    and anything a symbolic link points to, is left alone.
    """
    owned = []
    for path in folder.iterdir():
        if not OWNED.fullmatch(path.name):
            continue
        try:
            info = path.lstat()
        except OSError:
            continue  # removed meanwhile
        if stat.S_ISREG(info.st_mode):
            owned.append((info.st_mtime, path))
    owned.sort(reverse=True)
    temporary = [(t, p) for t, p in owned if p.name.startswith(".")]
    finished = [p for _, p in owned if not p.name.startswith(".")]
    abandoned = [p for t, p in temporary if t < time.time() - 3600]
    for old in finished[_KEEP * 2 :] + abandoned:
        old.unlink(missing_ok=True)
