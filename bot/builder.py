"""Loads a knowledge folder and builds its matcher in a short-lived child process.

Loading parses and validates every YAML file; building reads each language's common words
(wordfreq), the place names of CLDR (Babel) and every phrasing through the analyzer and the
semantic model. That is tens of MB for a moment, which the allocator mostly keeps, because it
is freed among objects that stay. So the bot asks a child Python process to do both and send
back the knowledge base and its matcher, pickled: the bot process holds only the results, laid
out compactly (README, "Speed and memory"). A knowledge folder with errors comes back as its
report, exactly as `check_knowledge` gives it.

Where no child can start, or it fails, the same is done in this process (more memory, the same
answers) and a warning says why. An embedder other than the semantic model (a test's) cannot be
rebuilt in a child: its matcher is built here.

    python -m bot.builder   # what the child runs: a pickled request in, a pickled result out
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.kb import KnowledgeBase
from bot.kb.loader import LoadResult, check_knowledge
from bot.matching import Matcher
from bot.matching.semantic import Embedder, WordLlamaEmbedder, load_embedder

log = logging.getLogger(__name__)

CHILD_TIMEOUT = 300.0


@dataclass(frozen=True)
class Built:
    """A knowledge folder checked, and the matcher of what it loaded (None on errors)."""

    result: LoadResult
    matcher: Matcher | None


def load_and_build(root: Path, embedder: Embedder | None) -> Built:
    """`check_knowledge(root)` and the matcher of the knowledge base it loaded."""
    if embedder is None or isinstance(embedder, WordLlamaEmbedder):
        built = _from_child(root, semantic=embedder is not None)
        if built is not None:
            if built.result.kb is not None and built.matcher is not None:
                built.matcher.attach(built.result.kb, embedder)
            return built
    result = check_knowledge(root)
    matcher = Matcher(result.kb, embedder=embedder) if result.kb is not None else None
    return Built(result, matcher)


def build_matcher(kb: KnowledgeBase, embedder: Embedder | None) -> Matcher:
    """The matcher of a knowledge base this process loaded already: built in a child from the
    same folder when its files are still the same, else here."""
    if embedder is not None and not isinstance(embedder, WordLlamaEmbedder):
        return Matcher(kb, embedder=embedder)
    built = load_and_build(kb.root, embedder)
    child = built.result.kb
    if built.matcher is not None and child is not None and child.fingerprint == kb.fingerprint:
        built.matcher.attach(kb, embedder)
        return built.matcher
    return Matcher(kb, embedder=embedder)


def _from_child(root: Path, semantic: bool) -> Built | None:
    # The child finds this very package, wherever it is installed or checked out.
    package = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (package, os.environ.get("PYTHONPATH", "")) if p)
    request = pickle.dumps((root, semantic), protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.ExitStack() as stack:
        try:
            # The child's error output, for the warning if it fails (a pipe could fill up).
            errors = stack.enter_context(tempfile.TemporaryFile())
        except OSError as exc:  # no writable temporary folder (a read-only container)
            log.warning("knowledge loaded in this process (%s)", exc.__class__.__name__)
            return None
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "bot.builder"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env={**os.environ, "PYTHONPATH": path},
            )
        except OSError as exc:
            log.warning("knowledge loaded in this process (%s)", exc.__class__.__name__)
            return None
        # A child that hangs is stopped; reading it then ends.
        watchdog = threading.Timer(CHILD_TIMEOUT, child.kill)
        watchdog.start()
        try:
            with child:
                assert child.stdin is not None
                assert child.stdout is not None
                child.stdin.write(request)
                child.stdin.close()
                # Read as it comes, not into one buffer first: the process never holds the
                # pickled form whole (several MB) next to the objects made from it.
                built: object = pickle.load(child.stdout)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError,
                TypeError) as exc:  # fmt: skip
            built = exc
        finally:
            watchdog.cancel()
        if child.returncode != 0:
            errors.seek(0)
            last = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:]
            why = last[0] if last else f"exit status {child.returncode}"
            log.warning("knowledge loaded in this process (the builder process failed: %s)", why)
            return None
    if isinstance(built, Exception):
        log.warning("knowledge loaded in this process (%s)", built.__class__.__name__)
        return None
    if not isinstance(built, Built):
        log.warning("knowledge loaded in this process (the builder sent %s)", type(built).__name__)
        return None
    return built


def _child() -> None:
    root, semantic = pickle.loads(sys.stdin.buffer.read())
    result = check_knowledge(root)
    matcher = None
    if result.kb is not None:
        embedder = load_embedder(required=True) if semantic else None
        matcher = Matcher(result.kb, embedder=embedder)
    sys.stdout.buffer.write(pickle.dumps(Built(result, matcher), protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    # By its package name, so that what is sent back unpickles as the package's classes.
    from bot.builder import _child as child

    child()
