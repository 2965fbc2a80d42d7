# SPDX-License-Identifier: MIT
"""Keyword arguments as the tools' long options: ``colors=64`` is ``--colors=64``."""

import os
from typing import Any, Dict, FrozenSet, List

# kmqenc's options by kind (tools/kmqenc_request.cpp; tests/test_options.py checks them
# against `kmqenc --help`).
KMQENC_VALUES = frozenset({
    "output", "out-dir", "format", "ext", "jobs", "max-pixels", "effort", "level",
    "label-coding", "tiles", "colors", "method", "space", "tune", "seed", "sample",
    "max-iterations",
    "tolerance", "batch-size", "max-no-improvement", "reassignment-ratio", "gmm-assign",
    "gmm-tolerance", "gmm-floor", "rd", "palette", "target-psnr", "max-mse", "target-ssim",
    "max-bytes",
})
KMQENC_OPTIONAL_VALUES = frozenset({"dither"})
KMQENC_FLAGS = frozenset({
    "force", "skip-if-larger", "strip", "verbose", "quiet", "json", "shared-palette", "ordered",
})
KMQDEC_VALUES = frozenset({"output", "out-dir", "format", "quality", "compare", "jobs",
                           "max-pixels"})
KMQDEC_FLAGS = frozenset({"strip", "force", "verbose", "quiet"})

# What has no meaning when Python holds the pixels or names the one output.
_ARRAY_EXCLUDED = frozenset({"output", "out-dir", "ext", "force", "skip-if-larger", "json",
                             "shared-palette", "verbose", "quiet"})
_FILE_EXCLUDED = frozenset({"output", "out-dir", "ext", "json", "shared-palette", "verbose",
                            "quiet"})

ENCODE_OPTIONS = (KMQENC_VALUES | KMQENC_OPTIONAL_VALUES | KMQENC_FLAGS) - _ARRAY_EXCLUDED
ENCODE_FILE_OPTIONS = (KMQENC_VALUES | KMQENC_OPTIONAL_VALUES | KMQENC_FLAGS) - _FILE_EXCLUDED
DECODE_FILE_OPTIONS = (KMQDEC_VALUES | KMQDEC_FLAGS) - {"output", "out-dir", "verbose", "quiet"}


def _word(value: Any) -> str:
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def command_line(function: str, options: Dict[str, Any], allowed: FrozenSet[str],
                 flags: FrozenSet[str] = KMQENC_FLAGS) -> List[str]:
    """The long options of ``options``; TypeError for a name ``function`` does not take.

    ``True`` gives a flag, ``False`` or ``None`` leaves an option out; ``dither=True`` is
    ``--dither`` (strength 1).
    """
    words = []
    for key, value in options.items():
        name = key.replace("_", "-")
        if name not in allowed:
            raise TypeError(f"{function}() got an unexpected keyword argument '{key}' "
                            f"(it takes {', '.join(sorted(n.replace('-', '_') for n in allowed))})")
        if value is None or value is False:
            continue
        if name in flags or name in KMQENC_OPTIONAL_VALUES and value is True:
            if value is not True:
                raise TypeError(f"{function}(): {key} is a flag: give True or False")
            words.append(f"--{name}")
        elif isinstance(value, bool):
            raise TypeError(f"{function}(): {key} takes a value, not True")
        else:
            words.append(f"--{name}={_word(value)}")
    return words


def path_word(path: "os.PathLike[str] | str") -> str:
    """A path as an operand the tools cannot take for an option or standard input."""
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError("paths must be str or os.PathLike[str], not bytes")
    if text == "-" or text.startswith("-"):
        return os.path.join(".", text)
    return text
