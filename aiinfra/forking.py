"""Pools of forked worker processes that inherit the parent's state.

Forked workers see the parent's objects (a chain, a sampled design, an open
dataset, shared-memory outputs) without pickling them; only the task arguments
and the results cross a pipe. Task functions read what the parent passed to
:func:`forked_pool` from :data:`STATE`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

__all__ = ["STATE", "forked_pool"]

# Set by the parent just before forking, read by the tasks in the workers.
STATE: dict[str, Any] = {}


@contextlib.contextmanager
def forked_pool(
    workers: int, initializer: Callable[[], None] | None = None, **state: Any
) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``workers`` forked processes that find ``state`` in :data:`STATE`.

    Yields None (run in this process) when ``workers <= 1`` or the platform
    cannot fork.
    """
    ctx = None
    if workers > 1:
        with contextlib.suppress(ValueError):
            ctx = multiprocessing.get_context("fork")
    if ctx is None:
        yield None
        return
    STATE.update(state)
    try:
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=initializer) as pool:
            yield pool
    finally:
        STATE.clear()
