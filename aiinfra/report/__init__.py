"""Charts (Altair, rendered to SVG/PNG by vl-convert) and the offline HTML report."""
