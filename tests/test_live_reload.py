"""Editing the knowledge folder while the bot runs: good edits go live, broken ones do not.

The edits are made in a copy of the fixture knowledge."""

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
    fixture_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveKnowledge(fixture_copy)
    assert live.reload_if_changed().changed is False
    path = fixture_copy / "faq" / "iceland.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("entries:\n", "entries:\n  - id: [broken\n", 1), encoding="utf-8")
    touch_later(path)
    with caplog.at_level(logging.ERROR, logger="bot.live"):
        result = live.reload_if_changed()
    assert result.changed
    assert not result.ok
    asylum = live.current.kb.entry("iceland-asylum")
    assert asylum is not None
    answer = live.current.dialog.handle(TextMessage(asylum.questions.get("en")[0]), User())
    assert answer.details["entry"] == asylum.id  # still served from the last good version
    # The log and the admin's /reload reply show the errors as `validate --errors-only` does.
    shown = result.report.render(errors_only=True)
    assert shown == check_knowledge(fixture_copy).report.render(errors_only=True)
    assert shown[0].startswith(os.path.relpath(path) + ":")
    assert "YAML syntax error" in shown[0]
    logged = [record.getMessage() for record in caplog.records]
    assert logged[: len(shown)] == [f"knowledge: {line}" for line in shown]
    assert "NOT reloaded" in logged[len(shown)]
    assert result.summary().startswith(f"knowledge NOT reloaded: {len(shown)} error(s)")


def test_a_good_edit_goes_live(fixture_copy: Path) -> None:
    live = LiveKnowledge(fixture_copy)
    path = fixture_copy / "faq" / "iceland.yaml"
    text = path.read_text(encoding="utf-8")
    added = "enrolment deadline at the reykjavik campus"
    assert live.current.matcher.match(added).status == "none"
    path.write_text(
        text.replace(
            "  - id: iceland-study\n    questions:\n      en:\n",
            f"  - id: iceland-study\n    questions:\n      en:\n        - {added}\n",
        ),
        encoding="utf-8",
    )
    touch_later(path)
    result = live.reload_if_changed()
    assert result.changed
    assert result.ok
    decision = live.current.matcher.match(added)
    assert decision.status == "answer"
    assert decision.entry == "iceland-study"
