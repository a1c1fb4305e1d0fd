"""Reference data from libraries, derived in a short-lived child process.

The matcher keeps little of what it reads from its libraries: 10,000 common words per language
from wordfreq (kept as hashes, see `lexicon`) and about 3,500 place names from Babel's CLDR data
(`places`). Reading them in the bot's own process costs about 30 MB that the allocator never
hands back (the libraries' tables are freed, but among objects that stay). So a child Python
process reads them and sends back only the results; the bot process never loads those tables.
Where a child cannot be started, the same is computed in this process (more memory, same
result). Results are kept for the life of the process: a reload with the same languages
reads nothing again.

    python -m bot.matching.reference   # what the child runs: reads a request, writes results
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.matching import lexicon
from bot.matching.places import PlaceFinder

log = logging.getLogger(__name__)

CHILD_TIMEOUT = 120.0


@dataclass(frozen=True)
class Reference:
    """What the matcher needs from its libraries for some languages."""

    # Each language's common words, folded, most frequent first (see `lexicon.adopt`).
    common: dict[str, list[str]]
    places: PlaceFinder


# The place finders read so far, by languages and kept countries.
_PLACES: dict[tuple[tuple[str, ...], tuple[str, ...]], PlaceFinder] = {}


def load(languages: Iterable[str], keep_cities_of: Iterable[str] = ()) -> PlaceFinder:
    """The place finder of `languages` (`keep_cities_of`: `PlaceFinder`'s `always`); their
    common words are handed to `lexicon`, so that it reads no word list either."""
    key = (tuple(sorted(set(languages))), tuple(sorted(set(keep_cities_of))))
    if key not in _PLACES:
        found = _from_child(*key)
        lexicon.adopt(found.common)
        _PLACES[key] = found.places
    return _PLACES[key]


def _from_child(languages: tuple[str, ...], keep: tuple[str, ...]) -> Reference:
    request = pickle.dumps((languages, keep))
    # The child finds this very package, wherever it is installed or checked out.
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.matching.reference"],
            input=request,
            capture_output=True,
            timeout=CHILD_TIMEOUT,
            env={**os.environ, "PYTHONPATH": path},
            check=True,
        )
        found = pickle.loads(done.stdout)
        if isinstance(found, Reference):
            return found
        log.warning("reference data: the child process answered %s", type(found).__name__)
    except subprocess.CalledProcessError as exc:
        last = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        log.warning("reference data read in this process (the child failed: %s)", last[0])
    except (OSError, subprocess.SubprocessError, pickle.PickleError, EOFError, AttributeError,
            ImportError) as exc:  # fmt: skip
        log.warning("reference data read in this process (%s)", exc.__class__.__name__)
    return derive(languages, keep)


def derive(languages: tuple[str, ...], keep: tuple[str, ...]) -> Reference:
    """The reference data, read from the libraries in this process."""
    common = {lang: lexicon.folded_top_words(lang) for lang in languages}
    return Reference(common, PlaceFinder(languages, always=keep))


def _child() -> None:
    languages, keep = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(derive(languages, keep)))


if __name__ == "__main__":
    # By its package name, so that what is sent back unpickles as `bot.matching.reference`'s.
    from bot.matching.reference import _child as child

    child()
