"""Loading scenarios: files (regular, bounded, UTF-8), safe YAML, ``extends``, ``--set``
overrides, and error messages that name the field but never echo a file's content."""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
from collections.abc import Hashable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aiinfra.errors import ScenarioError
from aiinfra.scenario.model import _TOP_KEYS, Scenario

MAX_SCENARIO_BYTES = 1_000_000
MAX_YAML_DEPTH = 32
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,63}")


# --------------------------------------------------------------------------- loading
def shipped_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios that ship with aiinfra."""
    root = resources.files("aiinfra") / "scenarios"
    return {Path(str(p)).stem: Path(str(p)) for p in root.iterdir() if str(p).endswith(".yaml")}


def _read_yaml(path: Path) -> Any:
    """Read a scenario file: regular files only, bounded size, UTF-8, safe YAML."""
    try:
        st = path.stat()
    except FileNotFoundError:
        msg = f"scenario file not found: {path}"
        raise ScenarioError([("file", msg)]) from None
    except OSError as exc:
        msg = f"cannot read scenario file {path}: {exc.strerror or type(exc).__name__}"
        raise ScenarioError([("file", msg)]) from None
    if stat.S_ISDIR(st.st_mode):
        msg = f"scenario path is a directory, not a YAML file: {path}"
        raise ScenarioError([("file", msg)])
    if not stat.S_ISREG(st.st_mode):
        msg = f"scenario path is not a regular file (a device, FIFO or socket): {path}"
        raise ScenarioError([("file", msg)])
    if st.st_size > MAX_SCENARIO_BYTES:
        msg = f"scenario file is {st.st_size} bytes; the limit is {MAX_SCENARIO_BYTES}"
        raise ScenarioError([("file", msg)])
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check cannot hang the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                msg = f"scenario path is not a regular file: {path}"
                raise ScenarioError([("file", msg)])
            raw = fh.read(MAX_SCENARIO_BYTES + 1)
    except OSError as exc:
        msg = f"cannot read scenario file {path}: {exc.strerror or type(exc).__name__}"
        raise ScenarioError([("file", msg)]) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        msg = f"scenario file is over {MAX_SCENARIO_BYTES} bytes"
        raise ScenarioError([("file", msg)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"scenario file is not UTF-8 text (byte {exc.start}): {path}"
        raise ScenarioError([("file", msg)]) from None
    return parse_yaml(text, str(path))


# libyaml's C parser when PyYAML was built with it (~10x faster than the Python one)
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _BoundedLoader(_SafeLoader):
    """Safe loader that refuses duplicate keys (aliases are refused before loading, by
    :func:`_refuse_aliases`)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                shown = key if _safe_key(key) else "(not shown)"
                msg = f"duplicate key {shown!s}"
                raise yaml.constructor.ConstructorError(None, None, msg, key_node.start_mark)
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _safe_key(key: Any) -> bool:
    """Whether a key may be echoed in an error: a short identifier or a year."""
    if isinstance(key, int) and not isinstance(key, bool):
        return True
    return isinstance(key, str) and _KEY_RE.fullmatch(key) is not None


def _refuse_aliases(text: str) -> None:
    """Raise on the first alias (``*name``): no 'billion laughs' expansion."""
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            msg = "YAML aliases (*name) are not allowed in scenarios"
            raise yaml.constructor.ConstructorError(None, None, msg, event.start_mark)


def parse_yaml(text: str, where: str = "<string>") -> Any:
    """Parse scenario YAML safely (no tags, no aliases, bounded nesting)."""
    if "\x00" in text:
        msg = f"{where}: file contains NUL bytes; is it a binary file?"
        raise ScenarioError([("file", msg)])
    try:
        _refuse_aliases(text)
        data = yaml.load(text, Loader=_BoundedLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        loc = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        msg = f"{where}: malformed YAML{loc}: {problem}"
        raise ScenarioError([("file", msg)]) from None
    except RecursionError:
        msg = f"{where}: YAML nested too deeply"
        raise ScenarioError([("file", msg)]) from None
    if _depth(data) > MAX_YAML_DEPTH:
        msg = f"{where}: YAML nested deeper than {MAX_YAML_DEPTH} levels"
        raise ScenarioError([("file", msg)])
    return data


def _depth(obj: Any, level: int = 0) -> int:
    if level > MAX_YAML_DEPTH:
        return level
    if isinstance(obj, Mapping):
        return max((_depth(v, level + 1) for v in obj.values()), default=level + 1)
    if isinstance(obj, list):
        return max((_depth(v, level + 1) for v in obj), default=level + 1)
    return level


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into a key path and a parsed value.

    The value is a number if it parses as one (``1e8`` included), otherwise
    YAML (so ``{dist: lognormal, median: 1, p90: 2}`` and ``"1.2 kW"`` work).
    """
    if "=" not in text:
        msg = f"override {text!r} must look like section.field=value"
        raise ScenarioError([("--set", msg)])
    key, _, value = text.partition("=")
    path = [p.strip() for p in key.strip().split(".")]
    if not all(path):
        msg = f"override key {key!r} is not a dotted field path such as demand.chat.users_2023"
        raise ScenarioError([("--set", msg)])
    value = value.strip()
    try:
        parsed: Any = float(value)
        if (
            math.isfinite(parsed)
            and parsed == int(parsed)
            and "." not in value
            and "e" not in value
        ):
            parsed = int(parsed)
    except (ValueError, OverflowError):
        parsed = parse_yaml(value, f"--set {key}")
    return path, parsed


def _apply_override(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node: Any = data
    for i, part in enumerate(path[:-1]):
        nxt = node.get(part) if isinstance(node, dict) else None
        if nxt is None:
            nxt = {}
            node[part] = nxt
        elif not isinstance(nxt, dict):
            where = ".".join(path[: i + 1])
            msg = f"{where} is a value, not a section, so {'.'.join(path)} cannot be set"
            raise ScenarioError([("--set", msg)])
        node = nxt
    node[path[-1]] = value


def _format_loc(loc: Sequence[Any]) -> str:
    """Dotted field path; parts that are not plain identifiers are not echoed."""
    return ".".join(str(p) if _safe_key(p) else "?" for p in loc) or "scenario"


def _close_keys(loc: Sequence[Any]) -> list[str]:
    """Allowed keys close to the unknown last key of ``loc`` (at most two)."""
    model: Any = Scenario
    for part in loc[:-1]:
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return []
        model = info.annotation
        if not isinstance(model, type):
            return []
    fields = list(getattr(model, "model_fields", {}))
    return difflib.get_close_matches(str(loc[-1]), fields, n=2, cutoff=0.6)


def _errors_from_validation(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = _format_loc(err["loc"])
        kind = err["type"]
        given = err.get("input")
        if kind == "extra_forbidden":
            near = _close_keys(err["loc"])
            hint = (
                f"did you mean {' or '.join(repr(k) for k in near)}?"
                if near
                else ("check the spelling; `aiinfra schema` lists allowed keys")
            )
            msg = f"unknown key ({hint})"
        elif kind == "missing":
            msg = "required field is missing"
        else:
            text = err["msg"].removeprefix("Value error, ")
            shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
            if len(shown) > 60:
                shown = shown[:57] + "..."
            msg = f"{text} (given: {shown})"
        out.append((loc, msg))
    return out


def _source_data(source: str | Path | Mapping[str, Any] | Scenario) -> tuple[Any, Path | None]:
    if isinstance(source, Scenario):
        return source.model_dump(mode="python"), None
    if isinstance(source, Mapping):
        return dict(source), None
    shipped = shipped_scenarios()
    text = str(source)
    path = shipped[text] if text in shipped else Path(text)
    if not path.suffix and text not in shipped and not path.exists():
        names = ", ".join(sorted(shipped))
        near = difflib.get_close_matches(text, list(shipped), n=1, cutoff=0.6)
        hint = f"did you mean {near[0]!r}? " if near else ""
        msg = (
            f"no scenario file {text!r} and no shipped scenario of that name "
            f"({hint}shipped: {names})"
        )
        raise ScenarioError([("file", msg)])
    return _read_yaml(path), path


def _merge(base: Any, top: Any) -> Any:
    """Deep merge: mappings merge key by key, anything else in ``top`` replaces."""
    if isinstance(base, Mapping) and isinstance(top, Mapping):
        out = dict(base)
        for k, v in top.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return top


def _resolve_extends(parent: str, path: Path | None) -> str | Path:
    """Where ``extends: parent`` points: a shipped name, or a file beside ``path``.

    A scenario given as a mapping (a dashboard upload, a paste) may extend shipped
    scenarios only. A file may also extend a YAML file in its own directory or below
    it: no absolute paths, no ``..``, no symlink that leads out of that directory.
    """
    shipped = shipped_scenarios()
    if parent in shipped:
        return parent
    names = ", ".join(sorted(shipped))
    if path is None:
        msg = f"extends {parent!r}: only shipped scenarios may be extended here ({names})"
        raise ScenarioError([("extends", msg)])
    rel = Path(parent)
    if rel.is_absolute() or ".." in rel.parts or "\x00" in parent:
        msg = (
            f"extends {parent!r}: must be a shipped scenario ({names}) or a relative path to a "
            "YAML file in the extending file's directory (no absolute paths, no '..')"
        )
        raise ScenarioError([("extends", msg)])
    home = path.parent.resolve()
    target = (home / rel).resolve()
    if not target.is_relative_to(home):
        msg = f"extends {parent!r}: resolves outside the extending file's directory"
        raise ScenarioError([("extends", msg)])
    if target.suffix.lower() not in (".yaml", ".yml"):
        msg = f"extends {parent!r}: not a shipped scenario ({names}) nor a .yaml/.yml file"
        raise ScenarioError([("extends", msg)])
    return target


def raw_scenario(
    source: str | Path | Mapping[str, Any] | Scenario, _seen: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The scenario mapping before validation, with ``extends`` resolved.

    A scenario may start with ``extends: base`` (a shipped name or a path,
    relative to the extending file): its content is deep-merged over that
    scenario's.
    """
    data, path = _source_data(source)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        msg = f"a scenario must be a mapping of sections, got {type(data).__name__}"
        raise ScenarioError([("scenario", msg)])
    if data and not any(k in _TOP_KEYS for k in data):
        where = f"{path.name}: " if path is not None else ""
        msg = (
            f"{where}this does not look like an aiinfra scenario: none of its top-level keys "
            f"is a scenario section ({', '.join(sorted(_TOP_KEYS))})"
        )
        raise ScenarioError([("scenario", msg)])
    data = _deep_copy(data)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent:
        msg = f"extends must name a shipped scenario or a YAML path, got {parent!r}"
        raise ScenarioError([("extends", msg)])
    if parent in _seen or len(_seen) > 8:
        msg = f"extends forms a cycle or is nested too deeply: {' -> '.join((*_seen, parent))}"
        raise ScenarioError([("extends", msg)])
    ref = _resolve_extends(parent, path)
    base = raw_scenario(ref, (*_seen, parent))
    return _merge(base, data)


def load_scenario(
    source: str | Path | Mapping[str, Any] | Scenario = "base",
    overrides: Sequence[str] | Mapping[str, Any] | None = None,
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source : str, Path, mapping or Scenario
        A YAML path, the name of a shipped scenario (``"base"``), a mapping
        with the scenario's content, or a :class:`Scenario`.
    overrides : sequence of str or mapping, optional
        ``["demand.chat.users_2023=1e8", ...]`` or ``{"demand.model": "revenue"}``.

    Raises
    ------
    ScenarioError
        With one ``(field, message)`` entry per problem.
    """
    data = raw_scenario(source)
    items: list[tuple[list[str], Any]] = []
    if isinstance(overrides, Mapping):
        items = [(str(k).split("."), v) for k, v in overrides.items()]
    elif overrides:
        items = [parse_override(o) for o in overrides]
    for path, value in items:
        _apply_override(data, path, value)
    _reject_non_string_keys(data)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_errors_from_validation(exc)) from None


def _deep_copy(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {k: _deep_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_deep_copy(v) for v in obj]
    return obj


def _reject_non_string_keys(obj: Any, loc: tuple[str, ...] = ()) -> None:
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            if not isinstance(k, str | int) or isinstance(k, bool):
                where = ".".join(loc) or "scenario"
                msg = f"keys must be text or years, got {k!r} ({type(k).__name__})"
                raise ScenarioError([(where, msg)])
            _reject_non_string_keys(v, (*loc, str(k)))


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files (for editors; ``aiinfra schema``)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aiinfra scenario"
    schema.setdefault("properties", {})["extends"] = {
        "type": "string",
        "description": "Shipped scenario name or YAML path whose content this file overrides.",
    }
    # a file that extends another may omit any field: required fields are left to
    # `aiinfra validate`, the schema checks names, types, enums and ranges
    _strip_required(schema)
    return schema


def _strip_required(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("required", None)
        for v in node.values():
            _strip_required(v)
    elif isinstance(node, list):
        for v in node:
            _strip_required(v)


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mapping -> ``{"a.b.c": value}`` (distributions stay whole)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and "dist" not in v and v and not str(k).isdigit():
            out.update(flatten(v, f"{key}."))
        else:
            out[key] = v
    return out


def scenario_hash(scenario: Scenario) -> str:
    """Short SHA-256 of a validated scenario's content (binds derived files to it)."""
    import hashlib
    import json

    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
