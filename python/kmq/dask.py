# SPDX-License-Identifier: MIT
"""Encoding a folder tree on a dask.distributed cluster.

Every input is one task, planned before any runs, so no two tasks ever name the same output;
each task writes atomically (a temporary file renamed into place), so a retried or duplicated
task leaves one whole file. Files are encoded exactly as kmqenc encodes them."""

import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from . import _codec
from ._errors import Error

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".ppm", ".pgm", ".pnm", ".pam")


def plan_tree(src: "os.PathLike[str] | str", dst: "os.PathLike[str] | str",
              suffixes: Iterable[str] = IMAGE_SUFFIXES) -> List[Dict[str, str]]:
    """Every image under ``src`` (by suffix, case-insensitive), sorted, with its output: the
    same relative path under ``dst`` with the suffix replaced by ``.kmq``. ValueError when two
    inputs would share an output (a.png and a.jpg), before anything runs."""
    source, target = Path(src), Path(dst)
    wanted = tuple(s.lower() for s in suffixes)
    plan, owners = [], {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        if path.suffix.lower() not in wanted:
            continue
        output = target / path.relative_to(source).with_suffix(".kmq")
        if output in owners:
            raise ValueError(f"{owners[output]} and {path} would both be encoded to {output}")
        owners[output] = path
        plan.append({"input": str(path), "output": str(output)})
    return plan


def _encode_task(source: str, output: str, options: Dict[str, Any]) -> Dict[str, Any]:
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    try:
        result = _codec.encode_file(source, output, **options)
    except Error as error:
        # A file that cannot be encoded is a row of the table, not a task to retry.
        return {"input": source, "output": output, "ok": False, "category": error.category,
                "error": error.message}
    result["category"] = None
    return result


def encode_tree(client: Any, src: "os.PathLike[str] | str", dst: "os.PathLike[str] | str", *,
                retries: int = 2, overwrite: bool = False,
                suffixes: Iterable[str] = IMAGE_SUFFIXES, **options: Any) -> Any:
    """Encodes every image under ``src`` into the same tree under ``dst`` on the
    ``dask.distributed`` ``client``'s workers, with :func:`kmq.encode_file`'s ``options``.

    A task lost with its worker is retried up to ``retries`` times; a file the codec refuses
    is reported, not retried. Outputs that exist are kept and reported as ``skipped`` unless
    ``overwrite``. Returns one row per input (kmqenc --json's fields, ``category`` and
    ``error`` for failures), as a pandas DataFrame when pandas is installed, else a list of
    dicts, in the inputs' sorted order.
    """
    if "force" in options:
        raise TypeError("encode_tree() takes overwrite=, not force=")
    rows: List[Optional[Dict[str, Any]]] = []
    futures, positions = [], []
    for item in plan_tree(src, dst, suffixes):
        if not overwrite and os.path.exists(item["output"]):
            rows.append(dict(item, ok=True, skipped=True, category=None,
                             error="exists (overwrite=True replaces it)"))
            continue
        positions.append(len(rows))
        rows.append(None)
        # force: a retry may find the file its lost first attempt finished.
        futures.append(client.submit(_encode_task, item["input"], item["output"],
                                     dict(options, force=True), retries=retries, pure=False,
                                     key=f"kmq-encode-{len(rows)}-{item['output']}"))
    for position, row in zip(positions, client.gather(futures)):
        rows[position] = row
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)
