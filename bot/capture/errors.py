"""Errors of knowledge capture. The German message is chosen at the edge (``bot.capture.desk``).

CaptureError
├── NotFound          an interview or draft id nobody knows (forged or from another bot)
├── NotYours          an interview of another person (forged card data)
├── NotPermitted      starting for someone else, or releasing, without being head or admin
├── Closed            the interview already became a draft or was released
├── AlreadyDecided    a draft released or returned before (pressed twice, two heads)
└── Gone              the task or the person left the directory mid-interview
"""

from __future__ import annotations


class CaptureError(Exception):
    """Base of the capture errors."""


class NotFound(CaptureError):
    pass


class NotYours(CaptureError):
    pass


class NotPermitted(CaptureError):
    pass


class Closed(CaptureError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class AlreadyDecided(CaptureError):
    def __init__(self, by: str | None, decision: str) -> None:
        super().__init__(decision)
        self.by = by
        self.decision = decision


class Gone(CaptureError):
    def __init__(self, what: str, name: str) -> None:
        super().__init__(what)
        self.what = what  # "task" or "person"
        self.name = name
