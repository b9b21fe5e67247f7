"""MkDocs hook: add the reference pages generated from the code."""

from __future__ import annotations

import re
from typing import Any

from mkdocs.structure.files import File, Files

from aiinfra.reference import (
    cli_markdown,
    scenario_markdown,
    section_markdown,
    variables_markdown,
)

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


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Replace ``<!-- params: section -->`` with that section's parameter table."""
    return re.sub(r"<!-- params: ([a-z_.]+) -->", lambda m: section_markdown(m.group(1)), markdown)
