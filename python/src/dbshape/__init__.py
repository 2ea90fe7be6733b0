"""dbshape for Python: the ``dbshape`` binary, an exporter from SQLAlchemy
metadata to ``schema.yaml`` (:mod:`dbshape.sqlalchemy`), and ``flask
dbshape`` commands (:mod:`dbshape.flask`).

The binary is installed into the environment's scripts folder by the same
``pip install`` that installs this package; :func:`binary` finds it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Mapping, Optional, Sequence

__all__ = ["binary", "run", "DbshapeNotFound"]


class DbshapeNotFound(RuntimeError):
    """The ``dbshape`` binary is not where ``pip install`` puts it."""


def binary() -> str:
    """The path of the ``dbshape`` binary: ``$DBSHAPE_BIN`` if set, else the
    one installed next to this Python (its scripts folder), else the first
    on ``PATH``."""
    explicit = os.environ.get("DBSHAPE_BIN")
    if explicit:
        return explicit
    name = "dbshape.exe" if os.name == "nt" else "dbshape"
    folders = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    try:
        folders.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    except KeyError:
        pass
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise DbshapeNotFound(
        "the dbshape binary was not found next to this Python or on PATH; "
        "install it with `pip install ./python` (or `cargo install --path .`), or set DBSHAPE_BIN"
    )


def run(
    args: Sequence[str],
    env: Optional[Mapping[str, str]] = None,
    capture: bool = False,
) -> subprocess.CompletedProcess:
    """Runs ``dbshape ARGS`` and returns the finished process (its exit code
    is the binary's: 0, 1 or 2)."""
    return subprocess.run(
        [binary(), *args],
        env=None if env is None else {**os.environ, **env},
        capture_output=capture,
        text=True,
        check=False,
    )
