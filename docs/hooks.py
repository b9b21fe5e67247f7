"""MkDocs hooks: reference pages generated from the code, maths as MathML (rendered by
the browser, so the site works offline without a JavaScript maths library), and links
for the sources the methodology pages name."""

from __future__ import annotations

import html
import re
from typing import Any

from latex2mathml.converter import convert as latex_to_mathml
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


def on_page_markdown(markdown: str, page: Any = None, **_: Any) -> str:
    """Replace ``<!-- params: section -->`` with that section's parameter table; link the
    sources methodology pages name."""
    markdown = re.sub(
        r"<!-- params: ([a-z_.]+) -->", lambda m: section_markdown(m.group(1)), markdown
    )
    if page is not None and str(page.file.src_uri).startswith("methodology/"):
        markdown = link_sources(markdown)
    return markdown


# Sources the methodology pages name -> their public pages (first mention is linked).
SOURCE_LINKS = {
    "MLPerf Inference": "https://mlcommons.org/benchmarks/inference-datacenter/",
    "MLPerf Training": "https://mlcommons.org/benchmarks/training/",
    "Epoch AI": "https://epoch.ai/data/notable-ai-models",
    "IEA": "https://www.iea.org/reports/energy-and-ai",
    "LBNL": "https://eta.lbl.gov/publications/2024-lbnl-data-center-energy-usage-report",
    "SEMI": "https://www.semi.org/en/products-services/market-data/equipment",
    "TrendForce": "https://www.trendforce.com/presscenter/news",
    "FiberMall": "https://www.fibermall.com/blog/",
    "ASML": "https://www.asml.com/en/investors/annual-report",
    "AnandTech": "https://www.anandtech.com/show/16028/better-yield-on-5nm-than-7nm-tsmc-update-on-defect-rates-for-n5",
    "DeepSeek": "https://github.com/deepseek-ai/open-infra-index",
    "Uptime Institute": "https://uptimeinstitute.com/resources/research-and-reports",
    "WisdomTree": "https://www.wisdomtree.com/investments/blog",
}


def link_sources(markdown: str) -> str:
    """Link the first plain mention of each known source (not inside code or links)."""
    for name, url in SOURCE_LINKS.items():
        pattern = re.compile(rf"(?<![\[`/\w]){re.escape(name)}(?![\]`\w])")
        markdown = pattern.sub(f"[{name}]({url})", markdown, count=1)
    return markdown


_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)


def mathml(page_html: str) -> str:
    """Replace pymdownx.arithmatex's generic maths spans with MathML."""

    def one(match: re.Match[str], display: str) -> str:
        tex = html.unescape(match.group(1)).strip()
        try:
            return latex_to_mathml(tex, display=display)
        except Exception:  # leave what latex2mathml cannot parse as written
            return match.group(0)

    page_html = _BLOCK.sub(lambda m: one(m, "block"), page_html)
    return _INLINE.sub(lambda m: one(m, "inline"), page_html)


def on_page_content(html_text: str, page: Any, **_: Any) -> str:
    """Maths as MathML on every page."""
    return mathml(html_text)
