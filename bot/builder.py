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
rebuilt in a child: its matcher is built here. The child runs this very package (not one found
in the working folder) and gets none of the bot's settings (no token, no database address).

    python -m bot.builder   # what the child runs: a pickled request in, a pickled result out
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
    return _here(root, embedder)


def _here(root: Path, embedder: Embedder | None) -> Built:
    """What the child does, done in this process."""
    result = check_knowledge(root)
    matcher = Matcher(result.kb, embedder=embedder) if result.kb is not None else None
    return Built(result, matcher)


def _from_child(root: Path, semantic: bool) -> Built | None:
    # The child finds this very package, wherever it is installed or checked out: its folder
    # first on the path, and `-P` so that the working folder (maybe another checkout) is not.
    package = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (package, os.environ.get("PYTHONPATH", "")) if p)
    # It reads no settings: the token, the database address and the user key stay here.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    try:
        child = subprocess.Popen(
            [sys.executable, "-P", "-m", "bot.builder"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**env, "PYTHONPATH": path},
            start_new_session=True,
        )
    except OSError as exc:
        log.warning("knowledge loaded in this process (%s)", exc.__class__.__name__)
        return None
    assert child.stdin is not None
    assert child.stdout is not None
    assert child.stderr is not None
    # Its error output is read alongside (a full pipe would stall it); the end is kept, for
    # the warning if it fails.
    tail = _Tail(child.stderr)
    tail.start()
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        with contextlib.suppress(OSError):
            os.killpg(child.pid, signal.SIGKILL)

    watchdog = threading.Timer(CHILD_TIMEOUT, stop)
    watchdog.start()
    try:
        with child:
            child.stdin.write(pickle.dumps((root, semantic), protocol=pickle.HIGHEST_PROTOCOL))
            child.stdin.close()
            # Read as it comes, not into one buffer first: the process never holds the
            # pickled form whole (several MB) next to the objects made from it.
            built: object = pickle.load(child.stdout)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError,
            TypeError) as exc:  # fmt: skip
        built = exc
    finally:
        watchdog.cancel()
        tail.join()
    if timed_out.is_set():
        why = f"timed out after {CHILD_TIMEOUT:.0f} s"
    elif child.returncode != 0:
        why = tail.last_line() or f"exit status {child.returncode}"
    elif isinstance(built, Exception):
        why = f"unreadable answer: {built.__class__.__name__}"
    elif not isinstance(built, Built):
        why = f"it sent {type(built).__name__}"
    else:
        return built
    log.warning("knowledge loaded in this process (the builder process failed: %s)", why)
    return None


class _Tail(threading.Thread):
    """Reads a stream to its end, keeping its last few hundred bytes."""

    KEEP = 300

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self._end = b""

    def run(self) -> None:
        for chunk in iter(lambda: self._stream.read(4096), b""):
            self._end = (self._end + chunk)[-self.KEEP :]

    def last_line(self) -> str:
        lines = self._end.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""


def _child() -> None:
    root, semantic = pickle.loads(sys.stdin.buffer.read())
    built = _here(root, load_embedder(required=True) if semantic else None)
    sys.stdout.buffer.write(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    # By its package name, so that what is sent back unpickles as the package's classes.
    from bot.builder import _child as child

    child()
