"""Editing the knowledge folder while the bot runs: good edits go live, broken ones do not."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from bot.dialog import TextMessage, User
from bot.kb import check_knowledge
from bot.live import LiveKnowledge


def touch_later(path: Path) -> None:
    later = time.time() + 5
    os.utime(path, (later, later))


def test_a_broken_yaml_keeps_the_last_good_knowledge_live(
    knowledge_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveKnowledge(knowledge_copy)
    assert live.reload_if_changed().changed is False
    path = knowledge_copy / "faq" / "iceland.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("entries:\n", "entries:\n  - id: [broken\n", 1), encoding="utf-8")
    touch_later(path)
    with caplog.at_level(logging.ERROR, logger="bot.live"):
        result = live.reload_if_changed()
    assert result.changed
    assert not result.ok
    answer = live.current.dialog.handle(TextMessage("How do I seek asylum in Iceland?"), User())
    assert answer.details["entry"] == "iceland-asylum"  # still served from the last good version
    # The log and the admin's /reload reply show the errors as `validate --errors-only` does.
    shown = result.report.render(errors_only=True)
    assert shown == check_knowledge(knowledge_copy).report.render(errors_only=True)
    assert shown[0].startswith(os.path.relpath(path) + ":")
    assert "YAML syntax error" in shown[0]
    logged = [record.getMessage() for record in caplog.records]
    assert logged[: len(shown)] == [f"knowledge: {line}" for line in shown]
    assert "NOT reloaded" in logged[len(shown)]
    assert result.summary().startswith(f"knowledge NOT reloaded: {len(shown)} error(s)")


def test_a_good_edit_goes_live(knowledge_copy: Path) -> None:
    live = LiveKnowledge(knowledge_copy)
    path = knowledge_copy / "faq" / "iceland.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "- studying in iceland",
            "- studying in iceland\n        - reykjavik university admissions",
        ),
        encoding="utf-8",
    )
    touch_later(path)
    result = live.reload_if_changed()
    assert result.changed
    assert result.ok
    decision = live.current.matcher.match("reykjavik university admissions")
    assert decision.entry == "iceland-study"
