"""Builds the matcher of a knowledge base in a short-lived child process.

Building reads each language's common words (wordfreq), the place names of CLDR (Babel) and
every phrasing through the analyzer and the semantic model: tens of MB for a moment, which the
allocator mostly keeps, because they are freed among objects that stay. So the bot asks a
child Python process to build the matcher and send it back pickled; the bot process then holds
only the result, laid out compactly (README, "Speed and memory"). The child gets the knowledge
base the bot already loaded and validated, so both see the same files.

Where no child can start, or it fails, the same matcher is built in this process (more memory,
the same answers) and a warning says why. An embedder other than the semantic model (a test's)
cannot be rebuilt in a child: such a matcher is built here.

    python -m bot.builder   # what the child runs: a pickled request in, a pickled matcher out
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

from bot.kb import KnowledgeBase
from bot.matching import Matcher
from bot.matching.semantic import Embedder, WordLlamaEmbedder, load_embedder

log = logging.getLogger(__name__)

CHILD_TIMEOUT = 300.0


def build_matcher(kb: KnowledgeBase, embedder: Embedder | None) -> Matcher:
    """The matcher of `kb`, built in a child process where possible."""
    if embedder is not None and not isinstance(embedder, WordLlamaEmbedder):
        return Matcher(kb, embedder=embedder)
    matcher = _from_child(kb, semantic=embedder is not None)
    if matcher is None:
        return Matcher(kb, embedder=embedder)
    matcher.attach(kb, embedder)
    return matcher


def _from_child(kb: KnowledgeBase, semantic: bool) -> Matcher | None:
    # The child finds this very package, wherever it is installed or checked out.
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.builder"],
            input=pickle.dumps((kb, semantic), protocol=pickle.HIGHEST_PROTOCOL),
            capture_output=True,
            timeout=CHILD_TIMEOUT,
            env={**os.environ, "PYTHONPATH": path},
            check=True,
        )
        matcher = pickle.loads(done.stdout)
    except subprocess.CalledProcessError as exc:
        last = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        log.warning("matcher built in this process (the builder process failed: %s)", last[0])
        return None
    except (OSError, subprocess.SubprocessError, pickle.PickleError, EOFError, AttributeError,
            ImportError) as exc:  # fmt: skip
        log.warning("matcher built in this process (%s)", exc.__class__.__name__)
        return None
    if not isinstance(matcher, Matcher):
        log.warning("matcher built in this process (the builder sent %s)", type(matcher).__name__)
        return None
    return matcher


def _child() -> None:
    kb, semantic = pickle.loads(sys.stdin.buffer.read())
    embedder = load_embedder(required=True) if semantic else None
    matcher = Matcher(kb, embedder=embedder)
    sys.stdout.buffer.write(pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    # By its package name, so that what is sent back unpickles as the package's classes.
    from bot.builder import _child as child

    child()
