# SPDX-License-Identifier: MIT
import os
from typing import Any, Dict, Iterable, List, Tuple, Union

_Path = Union[str, "os.PathLike[str]"]
IMAGE_SUFFIXES: Tuple[str, ...]

def plan_tree(src: _Path, dst: _Path, suffixes: Iterable[str] = ...) -> List[Dict[str, str]]: ...
def encode_tree(client: Any, src: _Path, dst: _Path, *, retries: int = ...,
                overwrite: bool = ..., suffixes: Iterable[str] = ..., **options: Any) -> Any: ...
