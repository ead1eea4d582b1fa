"""Wissenslotse bot: answers staff in Teams and in a local web chat."""

__version__ = "0.1.0"
