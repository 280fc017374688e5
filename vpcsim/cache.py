"""A content-addressed cache of compiled networks (DESIGN §8: "positions … or a content-hash cache").

Reading, checking and compiling a 10,000-ENI topology takes about a second; unpickling its compiled network
takes a fraction of that. The command line keeps the networks that were slow to build in
``$VPCSIM_CACHE_DIR`` (default ``$XDG_CACHE_HOME/vpcsim``, else ``~/.cache/vpcsim``), one file per topology,
named by a hash of everything the result depends on:

- the bytes of the topology file, the path it was given as and the working folder (messages quote the path
  as given; a cached network reads its positions again from there, only when one is asked for);
- vpcsim's own code (each module's size and modification time) and the Python version.

Included files are recorded in the entry with the hash of their bytes and checked on every use, so editing
any file of a topology misses the cache. Nothing here decides anything about the network: an entry is either
exactly what loading would build, or it is not used. ``--no-cache`` or ``VPCSIM_NO_CACHE=1`` turn it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcsim.compile.network import CompiledNetwork

FORMAT = b"vpcsim-cache-1"
WORTH_SECONDS = 0.25       # networks built faster than this are not worth a file
MAX_ENTRIES = 16           # the least recently used entries go first

_enabled = False


@contextmanager
def used(on: bool = True) -> Iterator[None]:
    """Within this block, ``vpcsim.load`` uses the cache unless ``VPCSIM_NO_CACHE`` is set (the command line
    runs every command in one; the API asks for it with ``load(path, cache=True)``)."""
    global _enabled
    previous = _enabled
    _enabled = on and not os.environ.get("VPCSIM_NO_CACHE")
    try:
        yield
    finally:
        _enabled = previous


def enabled() -> bool:
    return _enabled


def folder() -> Path:
    explicit = os.environ.get("VPCSIM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vpcsim"


@dataclass(frozen=True, slots=True)
class _Entry:
    files: tuple[tuple[str, str], ...]       # (resolved path, sha256 of its bytes) of every file read
    network: CompiledNetwork


def fetch(path: Path) -> CompiledNetwork | None:
    """The cached network for the topology at ``path``, if one was stored and no file it was read from has
    changed since; None otherwise (and for anything unexpected in the entry: it is only a cache)."""
    key = _key(path)
    if key is None:
        return None
    entry_path = folder() / f"{key}.pickle"
    try:
        with entry_path.open("rb") as stream:
            entry = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception:                              # truncated, from another version of a class: drop it
        entry_path.unlink(missing_ok=True)
        return None
    if not isinstance(entry, _Entry) or not all(_digest_of(Path(file)) == digest for file, digest in entry.files):
        return None
    with suppress(OSError):
        os.utime(entry_path)                       # recently used: pruned last
    return entry.network


def store(path: Path, network: CompiledNetwork, files: tuple[str, ...], seconds: float) -> None:
    """Keep ``network`` for the next load of ``path`` if building it took long enough to be worth it.

    The writing is done by a forked copy of this process where there is ``fork``: pickling a large network
    takes a good part of the time it saves, and the command that loaded it should not wait for that."""
    if seconds < WORTH_SECONDS or not files:
        return
    if hasattr(os, "fork") and not os.environ.get("VPCSIM_CACHE_SYNC"):
        sys.stdout.flush()
        sys.stderr.flush()
        child = os.fork()
        if child != 0:
            os.waitpid(child, 0)                       # returns at once: the child only forks the writer
            return
        try:                                           # twice forked, the writer is nobody's zombie
            if os.fork() == 0:
                os.setsid()                            # its own session: closing the terminal does not kill it
                with suppress(OSError):
                    os.nice(10)                        # and it yields the cores to the command it serves
                _write(path, network, files)
        finally:
            os._exit(0)                                # the copies must never go on with the parent's work
    _write(path, network, files)


def _write(path: Path, network: CompiledNetwork, files: tuple[str, ...]) -> None:
    key = _key(path)
    digests = tuple((file, _digest_of(Path(file))) for file in files)
    if key is None or any(digest is None for _, digest in digests):
        return
    entry = _Entry(tuple((file, digest) for file, digest in digests if digest is not None), network)
    target = folder()
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(entry, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target / f"{key}.pickle")   # readers see a whole entry or none
        _prune(target)
    except (OSError, pickle.PicklingError, RecursionError):
        return


def _prune(target: Path) -> None:
    entries = sorted(target.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in entries[MAX_ENTRIES:]:
        stale.unlink(missing_ok=True)
    for partial in target.glob("*.tmp"):               # a writer that was killed half-way (power, kill -9)
        with suppress(OSError):
            if partial.stat().st_mtime < time.time() - 3600:
                partial.unlink()


def _key(path: Path) -> str | None:
    try:
        content = path.read_bytes()
    except OSError:
        return None
    h = hashlib.sha256(FORMAT)
    for part in (_code_fingerprint(), os.getcwd().encode(), str(path).encode(), content):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _digest_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@cache
def _code_fingerprint() -> bytes:
    """What identifies the code that built a network: a changed module must not reuse an old entry."""
    package = Path(__file__).parent
    h = hashlib.sha256(sys.version.encode())
    for root, folders, names in os.walk(package):
        folders.sort()
        for name in sorted(names):
            if name.endswith((".py", ".json")):
                stat = os.stat(os.path.join(root, name))
                h.update(f"{os.path.relpath(os.path.join(root, name), package)}:{stat.st_size}:"
                         f"{stat.st_mtime_ns}\n".encode())
    return h.digest()

