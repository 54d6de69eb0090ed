"""The binary layer: Binary.md productions, decoded and encoded by one declaration each.

`component.py` holds the top-level production (`component ::= preamble section*`); the other
modules hold the productions of one part of Binary.md each, named after it.
"""
