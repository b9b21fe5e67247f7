"""MkDocs hook: add the reference pages generated from the code."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from aiinfra.reference import cli_markdown, scenario_markdown, variables_markdown

PAGES = {
    "reference/cli.md": cli_markdown,
    "reference/scenario.md": scenario_markdown,
    "reference/variables.md": variables_markdown,
}


def on_files(files: Files, config: Any, **_: Any) -> Files:
    """Register generated markdown as virtual files."""
    for path, make in PAGES.items():
        files.append(File.generated(config, path, content=make()))
    return files
