"""`python -m composer` is the `compose` command."""

from .cli import main

main()
