"""The package's structure: no import cycles, imports only run down the layering,
modules and functions stay small.

Layering (a module may import its own tier and the tiers below it, at module
level or inside a function):

    core ← inputs ← layers ← pipeline ← analysis ← report ← interface
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "aiinfra"

TIERS: dict[str, tuple[str, ...]] = {
    "core": (
        "version",
        "errors",
        "units",
        "distributions",
        "quantity",
        "arrays",
        "kernels",
        "lp",
        "memory",
        "forking",
        "outdir",
        "sketch",
        "netcdf",
        "diskcache",
        "registry",
        "variables_supply",
        "variables",
        "data",
    ),
    "inputs": ("catalogs", "scenario", "uncertainty"),
    "layers": ("layers",),
    "pipeline": ("pipeline", "chain", "results", "montecarlo", ""),
    "analysis": (
        "bottleneck",
        "reconcile",
        "calibrate",
        "sensitivity",
        "validation",
        "serving_fit",
        "backtest",
        "dashboard",
    ),
    "report": ("report", "validation_report"),
    "interface": ("cli", "webapp", "reference"),
}
ORDER = list(TIERS)
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 120
# the only module that may import scipy.optimize besides numpy/scipy-only kernels
PURE = {
    "aiinfra.kernels": {"numpy"},
    "aiinfra.lp": {"numpy", "scipy"},
    "aiinfra.sketch": {"numpy"},
    "aiinfra.netcdf": {"numpy", "struct"},
}


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module this file imports (module level and inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    deps: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            deps.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for a in node.names:
                sub = f"{base}.{a.name}"
                deps.add(sub if sub in MODULES else base)
    return deps


GRAPH = {
    name: {d for d in _imports(name, p) if d in MODULES and d != name}
    for name, p in MODULES.items()
}


def tier(module: str) -> int:
    """Index of the tier of an ``aiinfra`` module in :data:`ORDER`."""
    head = module.split(".")[1] if "." in module else ""
    for i, t in enumerate(ORDER):
        if head in TIERS[t]:
            return i
    raise AssertionError(f"{module} is in no tier: add it to TIERS in {__file__}")


def test_every_module_has_a_tier():
    for name in MODULES:
        tier(name)


def test_imports_run_down_the_layering():
    bad = [
        f"{m} ({ORDER[tier(m)]}) imports {d} ({ORDER[tier(d)]})"
        for m, deps in GRAPH.items()
        for d in deps
        if tier(d) > tier(m)
    ]
    assert not bad, "\n".join(sorted(bad))


def test_no_import_cycles():
    # Tarjan's strongly connected components over the whole import graph
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, cycles


@pytest.mark.parametrize("module", sorted(PURE))
def test_kernels_import_only_numpy_scipy(module):
    allowed = PURE[module] | {"__future__", "collections", "dataclasses", "typing"}
    deps = {d.split(".")[0] for d in _imports(module, MODULES[module])}
    assert deps <= allowed, deps - allowed


def test_sizes():
    long_modules = []
    long_functions = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            long_modules.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}.{node.name}: {n} lines")
    assert not long_modules, long_modules
    assert not long_functions, long_functions


def test_the_checker_can_fail():
    # a synthetic upward import is caught by the tier rule
    assert tier("aiinfra.kernels") < tier("aiinfra.pipeline.stages") < tier("aiinfra.cli")
