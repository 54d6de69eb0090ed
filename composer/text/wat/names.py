"""(being written: see composer/text/wat/__init__.py)"""
