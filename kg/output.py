"""Where a command's output goes: standard output or a file, in a format named or read from the
file's extension. Shared by `kg export` and `kg graph`, so both check and fail alike."""

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from .errors import FormatError


def target(name: str | None) -> Path | None:
    """The file named by -o, or None for standard output (no name, or "-", the usual name for it)."""
    if name is not None and not name.strip():
        raise FormatError("the output file name is empty; give -o FILE, or leave it out for standard output")
    return Path(name) if name not in (None, "-") else None


def format_for(path: Path | None, fmt: str | None, formats: Iterable[str], default: str,
               aliases: dict[str, str] | None = None) -> str:
    """The format asked for, else the file's extension (or its alias), else ``default``."""
    if fmt:
        return fmt
    if path is None:
        return default
    suffix = path.suffix.lstrip(".").lower()
    suffix = (aliases or {}).get(suffix, suffix)
    if suffix not in formats:
        raise FormatError(f"cannot tell the format of {path}; give --format " + ", ".join(formats))
    return suffix


def check_writable(path: Path) -> None:
    """Fail before any work is done when ``path`` cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise FormatError(f"cannot write {path}: it is a directory")
    if not folder.is_dir():
        raise FormatError(f"cannot write {path}: no such directory {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise FormatError(f"cannot write {path}: permission denied")


def write(path: Path, produce: Callable[[BinaryIO], None]) -> int:
    """Write the file with ``produce(file)``; its size in bytes. An OS error is a one-line FormatError."""
    try:
        with path.open("wb") as f:
            produce(f)
        return path.stat().st_size
    except OSError as e:
        raise FormatError(f"cannot write {path}: {e.strerror or e}") from None
