"""Wissenslotse indexer: turns the knowledge base into a versioned, searchable index.

This package never imports ``bot``.
"""

__version__ = "0.1.0"
