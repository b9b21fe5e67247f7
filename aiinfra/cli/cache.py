"""`aiinfra cache`: where the cached tables live, how big they are, and clearing them."""

from __future__ import annotations

from typing import Annotated

import typer

from aiinfra.cli.common import app, handles_errors, out_console


@app.command()
@handles_errors
def cache(
    clear: Annotated[bool, typer.Option("--clear", help="Remove the cached tables.")] = False,
) -> None:
    """Show (or clear) the cache of draw-independent tables, e.g. the serving rates
    (directory: $AIINFRA_CACHE_DIR, else ~/.cache/aiinfra; AIINFRA_CACHE_DIR=off: none)."""
    from aiinfra import diskcache

    root = diskcache.cache_dir()
    if root is None:
        out_console.print("cache: off (AIINFRA_CACHE_DIR)")
        return
    if clear:
        n, size = diskcache.clear()
        out_console.print(f"removed {n} cached tables ({size / 1e6:.1f} MB) from {root}")
        return
    files = diskcache.cache_files()
    size = sum(p.stat().st_size for p in files)
    out_console.print(f"{root}: {len(files)} cached tables, {size / 1e6:.1f} MB", markup=False)
