"""A content-addressed cache of draw-independent tables on disk.

Some tables are pure functions of the scenario's inputs, the data tables and the
code: the roofline serving rates take ~1 s to sweep (hundreds of thousands of
configurations per accelerator and model) and are the same on every run of the same
scenario. They are kept as ``.npz`` files named by a SHA-256 of everything they
depend on: the caller's key, the package version, and the bytes of every module
and data table of the package. Any edit therefore misses, and a hit returns
exactly the arrays a fresh computation would (``float64`` round-trips bit for bit).

Where: ``$AIINFRA_CACHE_DIR``, else ``$XDG_CACHE_HOME/aiinfra``, else
``~/.cache/aiinfra``; ``AIINFRA_CACHE_DIR=off`` switches it off. A cache that
cannot be read or written is skipped silently (a corrupt file is recomputed and
replaced); files are written to a temporary name and renamed, so concurrent runs
never see half a file. Nothing in a cache file is ever executed (no pickles).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from aiinfra.version import __version__

__all__ = ["cache_dir", "cache_files", "cached_arrays", "clear", "code_digest"]

PACKAGE = Path(__file__).resolve().parent
_NAME = re.compile(r"[a-z]+-[0-9a-f]{40}\.npz")


def cache_dir() -> Path | None:
    """The cache directory, or None when caching is off."""
    env = os.environ.get("AIINFRA_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aiinfra"


@lru_cache(maxsize=1)
def cache_files() -> list[Path]:
    """The cache's files (``<kind>-<digest>.npz`` regular files, no symlinks), sorted."""
    root = cache_dir()
    if root is None or not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if _NAME.fullmatch(p.name) and p.is_file() and not p.is_symlink()
    )


def clear() -> tuple[int, int]:
    """Remove the cache's files; returns (files, bytes) removed. Nothing else in the
    directory is touched."""
    n = size = 0
    for p in cache_files():
        with contextlib.suppress(OSError):
            b = p.stat().st_size
            p.unlink()
            n, size = n + 1, size + b
    return n, size


def code_digest() -> str:
    """SHA-256 of the package's modules and data tables (hex)."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".csv", ".yaml") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(PACKAGE)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _path(kind: str, key: Any) -> Path | None:
    root = cache_dir()
    if root is None:
        return None
    digest = hashlib.sha256(f"{code_digest()}\n{kind}\n{key!r}".encode()).hexdigest()
    return root / f"{kind}-{digest[:40]}.npz"


def _load(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except FileNotFoundError:
        return None
    except Exception:  # a damaged file is recomputed and replaced
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def _save(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def cached_arrays(
    kind: str, key: Any, compute: Callable[[], Mapping[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """``compute()`` (a dict of arrays, a pure function of ``key`` and the package), read
    from the cache when it holds the same ``kind`` and ``key`` (its ``repr``)."""
    path = _path(kind, key)
    if path is not None and (hit := _load(path)) is not None:
        return hit
    arrays = {k: np.asarray(v) for k, v in compute().items()}
    if path is not None:
        _save(path, arrays)
    return arrays
