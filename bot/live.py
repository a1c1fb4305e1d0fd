"""The knowledge base being served, reloaded when maintainers edit the folder.

A reload that finds errors changes nothing: the last good knowledge base stays live and the
errors are reported (logged, and shown to admins who ask with /reload).
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.builder import load_and_build
from bot.dialog import Dialog, DialogOptions
from bot.dialog.held import HeldQuestions
from bot.kb import (
    KnowledgeBase,
    KnowledgeError,
    Problem,
    Report,
    fingerprint,
)
from bot.matching import Matcher
from bot.matching.semantic import Embedder
from bot.memory import hand_back_freed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    """One consistent set: the knowledge base, its matcher and the dialog built on them."""

    kb: KnowledgeBase
    matcher: Matcher
    dialog: Dialog

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        embedder: Embedder | None = None,
        options: DialogOptions | None = None,
        held: HeldQuestions | None = None,
        matcher: Matcher | None = None,
    ) -> Served:
        """`options`: what the operator set up (see `DialogOptions`); `held`: the questions
        waiting for the user's consent; `matcher`: `kb`'s, when it is built already
        (`builder.load_and_build`, as the bot does); without one it is built here (tests,
        benchmarks)."""
        matcher = matcher or Matcher(kb, embedder=embedder)
        return cls(kb, matcher, Dialog(kb, matcher, options, held))

    def with_dialog(self, options: DialogOptions, held: HeldQuestions | None = None) -> Served:
        """The same knowledge and matcher with a dialog of these options (cheap)."""
        return Served(self.kb, self.matcher, Dialog(self.kb, self.matcher, options, held))


@dataclass(frozen=True)
class ReloadResult:
    changed: bool
    ok: bool
    report: Report = field(default_factory=Report)

    @property
    def errors(self) -> list[Problem]:
        return self.report.errors

    def summary(self) -> str:
        if not self.changed:
            return "knowledge unchanged"
        if self.ok:
            return "knowledge reloaded"
        return (
            f"knowledge NOT reloaded: {len(self.errors)} error(s); the previous version stays live"
        )


class LiveKnowledge:
    """Holds the served knowledge; `current` is always a complete, valid set."""

    def __init__(
        self,
        root: Path,
        embedder: Embedder | None = None,
        served: Served | None = None,
        options: DialogOptions | None = None,
    ) -> None:
        """Load `root`, or start from `served` when it was already built from `root` with
        `embedder` (tests share one immutable set between many bots). Questions waiting for
        the user's consent outlive a reload."""
        if served is not None and served.kb.root != root:
            raise ValueError(f"the served knowledge was built from {served.kb.root}, not {root}")
        self.root = root
        self.embedder = embedder
        self.options = options or DialogOptions()
        self.held = HeldQuestions()
        self._lock = threading.Lock()
        if served is not None:
            self._current = served.with_dialog(self.options, self.held)
        else:
            built = load_and_build(root, embedder)
            if built.result.kb is None or built.matcher is None:
                raise KnowledgeError(built.result.report)
            self._current = self._serve(built.result.kb, built.matcher)
        self._seen = self._current.kb.fingerprint
        # What loading and building left freed (in this process when no child could): back.
        hand_back_freed()

    @property
    def current(self) -> Served:
        return self._current

    def _serve(self, kb: KnowledgeBase, matcher: Matcher) -> Served:
        return Served.build(kb, self.embedder, self.options, self.held, matcher)

    def reload_if_changed(self) -> ReloadResult:
        """Reload when a YAML file was added, removed or modified since the last look."""
        seen = fingerprint(self.root)
        if seen == self._seen:
            return ReloadResult(changed=False, ok=True)
        return self.reload(seen)

    def reload(self, seen: str | None = None) -> ReloadResult:
        with self._lock:
            self._seen = seen or fingerprint(self.root)
            built = load_and_build(self.root, self.embedder)
            result = built.result
            if result.kb is None or built.matcher is None:
                for line in result.report.render(errors_only=True):
                    log.error("knowledge: %s", line)
                log.error(
                    "knowledge NOT reloaded (%d errors); still serving the previous version",
                    len(result.report.errors),
                )
                return ReloadResult(changed=True, ok=False, report=result.report)
            self._current = self._serve(result.kb, built.matcher)
            log.info(
                "knowledge reloaded: %d entries, languages %s",
                len(result.kb.entries),
                " ".join(result.kb.languages),
            )
            # The switch freed the previous set (nothing holds it in a reference cycle: see
            # `index.WordWeight`); hand its memory back now, not at the next build (README,
            # "Speed and memory": 160 MB after a reload without this, 145 with it).
            hand_back_freed()
            return ReloadResult(changed=True, ok=True)


def open_live(
    root: Path,
    embedder: Embedder | None,
    options: DialogOptions | None = None,
) -> LiveKnowledge | None:
    """The live knowledge of `root` for a channel starting up; on errors, print them to
    stderr with a one-line verdict and return None (the caller exits with status 1)."""
    try:
        return LiveKnowledge(root, embedder, options=options)
    except KnowledgeError as exc:
        for line in exc.report.render(errors_only=True):
            print(line, file=sys.stderr)
        print(
            f"error: the knowledge folder {root} has errors; not starting "
            "(run `python -m bot validate` for the full report)",
            file=sys.stderr,
        )
        return None
