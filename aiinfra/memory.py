"""Process-level memory settings that make large Monte Carlo runs faster.

Fresh memory is expensive on virtual machines: every page is faulted in and
zeroed by the kernel. Two settings cut that cost, measured on the 2-core
reference machine (see bench/run.py):

- numpy asks the kernel for transparent huge pages on large arrays; where the
  kernel compacts memory to find them (``defrag=madvise``), a fresh 218 MB
  array took 0.48 s to fill instead of 0.08 s without. :func:`no_hugepages`
  switches that request off for a block of code.
- glibc hands large freed blocks back to the kernel, so the next chunk of
  draws faults the same amount in again. :func:`keep_freed_memory` keeps them
  in the heap (for short-lived worker processes only: the process then keeps
  its high-water mark).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
from collections.abc import Iterator

__all__ = ["keep_freed_memory", "no_hugepages", "set_numpy_hugepages"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def set_numpy_hugepages(enabled: bool) -> bool | None:
    """Switch numpy's huge-page request for new arrays; returns the previous setting
    (None where this numpy has no such switch)."""
    import numpy as np  # here: the CLI's start-up does not pay for numpy

    for mod in ("_core", "core"):
        multiarray = getattr(getattr(np, mod, None), "multiarray", None)
        setter = getattr(multiarray, "_set_madvise_hugepage", None)
        if setter is not None:
            return bool(setter(enabled))
    return None


@contextlib.contextmanager
def no_hugepages() -> Iterator[None]:
    """Within the block, numpy does not request huge pages for new arrays."""
    previous = set_numpy_hugepages(False)
    try:
        yield
    finally:
        if previous is not None:
            set_numpy_hugepages(previous)


def _libc() -> ctypes.CDLL:
    """The C library: glibc's soname first (``find_library`` may run ``ldconfig``)."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return ctypes.CDLL(ctypes.util.find_library("c"))


def keep_freed_memory() -> bool:
    """Serve large arrays from the heap and never trim it (glibc only).

    Returns whether the settings were applied.
    """
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = _libc()
        ok = libc.mallopt(_M_MMAP_THRESHOLD, 1 << 30) == 1
        return ok and libc.mallopt(_M_TRIM_THRESHOLD, (1 << 31) - 1) == 1
    return False
