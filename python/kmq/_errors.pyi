# SPDX-License-Identifier: MIT
from typing import Tuple

CATEGORIES: Tuple[str, ...]

class Error(Exception):
    message: str
    category: str
    def __init__(self, message: str, category: str = ...) -> None: ...
