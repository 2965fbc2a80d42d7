# SPDX-License-Identifier: MIT
"""kmq.Error, the one exception the codec raises."""

from typing import Tuple

CATEGORIES = ("bad_input", "corrupt_file", "unsupported", "limit_exceeded", "io",
              "target_not_met")


class Error(Exception):
    """A failure the codec reports: a damaged or unsupported file, a limit, a missed target.

    ``category`` is one of ``CATEGORIES`` (the C++ library's ``kmq::ErrorCategory``):
    ``"bad_input"``, ``"corrupt_file"``, ``"unsupported"``, ``"limit_exceeded"``, ``"io"`` or
    ``"target_not_met"``; ``message`` is the text without it. Bad arguments raise ``TypeError``
    or ``ValueError`` instead, as Python functions do.
    """

    def __init__(self, message: str, category: str = "bad_input") -> None:
        super().__init__(message)
        self.message = message
        self.category = category

    def __str__(self) -> str:
        return f"{self.category.replace('_', ' ')}: {self.message}"

    def __reduce__(self) -> Tuple[type, Tuple[str, str]]:
        # Errors cross process boundaries (Dask workers) intact.
        return (type(self), (self.message, self.category))
