# SPDX-License-Identifier: MIT
import os
from typing import Any, Dict, List, Union

class Exploration:
    html: str
    rows: List[Dict[str, Any]]
    height: int
    def __init__(self, page: str, rows: List[Dict[str, Any]], height: int) -> None: ...
    def _repr_html_(self) -> str: ...
    def save(self, path: Union[str, "os.PathLike[str]"]) -> None: ...
