"""Reference documentation generated from the code (variables, scenario fields, CLI).

Used by the docs build (``docs/hooks.py``) so the reference never drifts from
the registry, the pydantic schema or the Typer app.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from aiinfra.quantity import QSpec
from aiinfra.scenario import Scenario
from aiinfra.variables import VARIABLES

__all__ = [
    "cli_markdown",
    "scenario_fields",
    "scenario_markdown",
    "section_markdown",
    "variables_markdown",
]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def variables_markdown() -> str:
    """Markdown table of every output variable."""
    lines = [
        "# Output variables",
        "",
        "Generated from the variables registry (`aiinfra variables`).",
        "",
        "| name | units | dims | layer | long name | description |",
        "|---|---|---|---|---|---|",
    ]
    for v in VARIABLES.values():
        lines.append(
            f"| `{v.name}` | {_cell(v.units)} | {_cell(', '.join(v.dims))} | {v.layer} | "
            f"{_cell(v.long_name)} | {_cell(v.description)} |"
        )
    return "\n".join(lines) + "\n"


def scenario_fields(
    model: type[BaseModel] = Scenario, prefix: str = ""
) -> Iterator[dict[str, Any]]:
    """Every scenario field: path, type, unit, default, allowed range, description."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        spec = next((m for m in info.metadata if isinstance(m, QSpec)), None)
        ann = info.annotation
        sub = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        default = "required" if info.is_required() else info.get_default(call_default_factory=True)
        if sub is not None:
            yield {
                "path": path,
                "type": "section",
                "unit": "",
                "default": "",
                "range": "",
                "description": info.description or (sub.__doc__ or "").split("\n")[0],
            }
            yield from scenario_fields(sub, f"{path}.")
            continue
        if spec is not None:
            kind, unit, rng = "quantity or distribution", spec.unit or "1", spec.describe_range()
        else:
            kind, unit, rng = _type_name(ann), "", _range(info)
        shown = "" if default is None or isinstance(default, dict) else default
        if isinstance(default, dict):
            shown = f"{len(default)} entries"
        yield {
            "path": path,
            "type": kind,
            "unit": unit,
            "default": shown,
            "range": rng,
            "description": info.description or "",
        }


def _type_name(ann: Any) -> str:
    if typing.get_origin(ann) is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(ann))
    return getattr(ann, "__name__", str(ann)).replace("typing.", "")


def _range(info: Any) -> str:
    parts = []
    for m in info.metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(m, attr, None) is not None:
                parts.append(f"{sym} {getattr(m, attr)}")
    return " and ".join(parts)


def scenario_markdown() -> str:
    """Markdown table of every scenario field."""
    lines = [
        "# Scenario reference",
        "",
        "Generated from the pydantic schema. Quantities accept a number in the canonical",
        'unit, a string with units (`"2.7 USD/Mtok"`) or a distribution',
        "(`{dist: lognormal, median: 1, p90: 2}`). `aiinfra schema` exports the same",
        "schema as JSON Schema for editors.",
        "",
        "| field | type | unit | default | allowed | description |",
        "|---|---|---|---|---|---|",
    ]
    for f in scenario_fields():
        lines.append(
            f"| `{f['path']}` | {_cell(f['type'])} | {_cell(f['unit'])} | "
            f"{_cell(f['default'])} | {_cell(f['range'])} | {_cell(f['description'])} |"
        )
    return "\n".join(lines) + "\n"


def section_markdown(prefix: str) -> str:
    """Parameter table of one scenario section (e.g. ``demand``), for methodology pages."""
    lines = [
        "| field | unit | default | allowed | description |",
        "|---|---|---|---|---|",
    ]
    for f in scenario_fields():
        if f["path"].startswith(f"{prefix}.") and f["type"] != "section":
            lines.append(
                f"| `{f['path']}` | {_cell(f['unit'])} | {_cell(f['default'])} | "
                f"{_cell(f['range'])} | {_cell(f['description'])} |"
            )
    return "\n".join(lines) + "\n"


def cli_markdown() -> str:
    """Help text of every CLI command, from the Typer app."""
    import typer

    from aiinfra.cli import app

    root = typer.main.get_command(app)
    lines = ["# Command-line reference", "", "Generated from the Typer app.", ""]

    def walk(cmd: Any, names: list[str]) -> None:
        ctx = cmd.context_class(cmd, info_name=" ".join(names))
        lines.extend([f"## `{' '.join(names)}`", "", (cmd.help or "").strip(), ""])
        params = [p for p in cmd.params if p.name != "help"]
        if params:
            lines.extend(["| argument / option | default | help |", "|---|---|---|"])
            for p in params:
                flag = (
                    ", ".join(f"`{o}`" for o in p.opts)
                    if p.param_type_name == "option"
                    else (f"`{p.name.upper()}`")
                )
                default = "" if p.default in (None, False) or callable(p.default) else p.default
                lines.append(
                    f"| {flag} | {_cell(default)} | {_cell(getattr(p, 'help', '') or '')} |"
                )
            lines.append("")
        if hasattr(cmd, "list_commands"):
            for sub in sorted(cmd.list_commands(ctx)):
                walk(cmd.get_command(ctx, sub), [*names, sub])

    walk(root, ["aiinfra"])
    return "\n".join(lines)


def _protocol_name(model: type[BaseModel]) -> str:
    return model.__name__.removesuffix("Section") + "Params"


def _protocols(model: type[BaseModel], done: dict[str, str]) -> str:
    """Protocol source for ``model`` and, first, for its sub-sections."""
    name = _protocol_name(model)
    lines = [
        f"class {name}(Protocol):",
        f'    """Sampled ``{model.__name__}``: quantities are arrays (draw,)."""',
        "",
    ]
    for field, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if _protocol_name(ann) not in done:
                done[_protocol_name(ann)] = _protocols(ann, done)
            kind = _protocol_name(ann)
        elif any(isinstance(m, QSpec) for m in info.metadata):
            kind = "np.ndarray"
        else:
            kind = "Any"
        lines.append(f"    {field}: {kind}")
    return "\n".join(lines) + "\n"


def params_module() -> str:
    """Source of :mod:`aiinfra.scenario.params`: typed views of sampled parameters."""
    done: dict[str, str] = {}
    done[_protocol_name(Scenario)] = _protocols(Scenario, done)
    head = (
        '"""Typed views of sampled parameters (generated from the scenario schema).\n\n'
        "Regenerate with ``python -m aiinfra.reference params``; a test checks the file\n"
        "matches the schema. :func:`aiinfra.uncertainty.sample_parameters` returns a\n"
        "namespace tree that satisfies :class:`ScenarioParams`.\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Any, Protocol\n\n"
        "import numpy as np\n\n"
        "__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(done)) + "]\n"
    )
    return head + "".join(f"\n\n{src}" for src in done.values())


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys
    from pathlib import Path

    if sys.argv[1:] == ["params"]:
        target = Path(__file__).parent / "scenario" / "params.py"
        target.write_text(params_module(), encoding="utf-8")
        print(f"wrote {target}")
