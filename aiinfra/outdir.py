"""Output directories: refuse to clobber foreign files, one writer at a time.

A command that writes under ``--out`` claims the directory for its whole run:
it must be empty, ours (it holds :data:`MARKER`) or forced, and an exclusive
``flock`` on ``.aiinfra.lock`` keeps a second aiinfra process out while the
first one writes. Under the lock, leftovers of an earlier run that was killed
(temp files, a partial Zarr store) are ours to remove.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from aiinfra.errors import AiinfraError

__all__ = ["LOCK", "MARKER", "OutputDirError", "claim"]

MARKER = ".aiinfra-output"
LOCK = ".aiinfra.lock"
# what a killed run of ours can leave behind (never a user's file)
_LEFTOVERS = (".*.tmp", ".results.zarr.partial", ".results.zarr.old")


class OutputDirError(AiinfraError):
    """The output directory cannot be used (foreign content, busy, not a directory)."""


def _ours_only(out: Path) -> bool:
    """Whether ``out`` holds nothing but our marker, lock and leftovers."""
    for entry in out.iterdir():
        name = entry.name
        if name in (MARKER, LOCK):
            continue
        if any(Path(name).match(pattern) for pattern in _LEFTOVERS):
            continue
        return False
    return True


@contextlib.contextmanager
def claim(out: Path, force: bool = False) -> Iterator[Path]:
    """Hold ``out`` for one run: checked, created, locked, leftovers removed.

    Raises
    ------
    OutputDirError
        ``out`` is a file, is not empty and not written by aiinfra (without
        ``force``), or another aiinfra process holds its lock.
    """
    import fcntl  # POSIX only; imported here so the module imports anywhere

    if out.exists() and not out.is_dir():
        msg = f"--out: {out} exists and is not a directory"
        raise OutputDirError(msg)
    if out.is_dir() and not (out / MARKER).exists() and not force and not _ours_only(out):
        msg = (
            f"--out: {out} is not empty and was not written by aiinfra; "
            "choose another directory or pass --force"
        )
        raise OutputDirError(msg)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        msg = f"--out: cannot write to {out}: {exc.strerror or type(exc).__name__}"
        raise OutputDirError(msg) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            msg = (
                f"--out: {out} is being written by another aiinfra process (pid {holder}); "
                "wait for it to finish or choose another --out"
            )
            raise OutputDirError(msg) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        marker = out / MARKER
        if not marker.exists():
            marker.write_bytes(b"aiinfra output directory\n")
        for pattern in _LEFTOVERS:
            for stale in out.glob(pattern):
                if stale.is_dir() and not stale.is_symlink():
                    shutil.rmtree(stale, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        stale.unlink()
        yield out
    finally:
        os.close(fd)  # releases the lock; the lock file stays (removing it would race)
