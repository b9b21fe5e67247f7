"""``python -m aiinfra.cli``."""

from aiinfra.cli import main

main()
