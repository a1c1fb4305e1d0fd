"""The evaluation set cannot regress: `python -m bot eval` with the issue's thresholds."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from bot.matching import Matcher
from bot.tools.evaluate import run_eval
from bot.tools.targets import Targets
from tests.conftest import FIXTURE, ROOT, SHARED, needs_shared

DEV = SHARED / "eval" / "dev.yaml"


def meets(matcher: Matcher, path: Path, targets: Targets) -> None:
    """Score a set in-process (the command itself is tested below) and check its targets."""
    out = io.StringIO()
    assert run_eval(matcher, path, out, targets) == 0, out.getvalue()


@needs_shared("eval/dev.yaml")
def test_dev_set_meets_the_targets(matcher: Matcher) -> None:
    targets = Targets(
        min_correct=0.97, max_wrong=0.01, min_reachable=0.98, max_false_answer=0.02,
        min_language=0.98, max_false_alarm=0.01,
    )  # fmt: skip
    meets(matcher, DEV, targets)


@needs_shared("eval/safety-dev.yaml")
def test_safety_set_meets_the_targets(matcher: Matcher) -> None:
    """Crisis recall, no false alarm on ordinary questions, small talk, other languages."""
    targets = Targets(
        min_crisis=0.98, max_false_alarm=0.01, min_smalltalk=0.95, min_unsupported=0.95
    )
    meets(matcher, SHARED / "eval" / "safety-dev.yaml", targets)


@needs_shared("eval/scope-dev.yaml")
def test_scope_set_meets_the_targets(matcher: Matcher) -> None:
    """Other places and what we don't know: no confident answer from a shared name."""
    targets = Targets(min_correct=0.90, max_wrong=0.02, max_false_answer=0.03)
    meets(matcher, SHARED / "eval" / "scope-dev.yaml", targets)


@needs_shared("eval/dev-fa-fr.yaml")
def test_persian_and_french_set_meets_the_targets(matcher: Matcher) -> None:
    """Persian and French: no wrong answer, the right language; the right topic reachable."""
    targets = Targets(max_wrong=0.02, min_reachable=0.98, min_language=0.98)
    meets(matcher, SHARED / "eval" / "dev-fa-fr.yaml", targets)


def test_the_eval_command_prints_its_table(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text('cases:\n  - {q: "Can I work in Iceland?", expect: iceland, lang: en}\n')
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", str(cases), "--knowledge", str(FIXTURE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    header, overall = result.stdout.splitlines()[:2]
    assert header.split()[:4] == ["cases", "oos", "correct", "wrong"]
    assert overall.startswith("overall")


def test_eval_fails_below_a_threshold(tmp_path: Path) -> None:
    """The gate itself, on a two-case file and the fixture knowledge (no ../shared needed)."""
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "cases:\n"
        '  - {q: "Can I work in Iceland?", expect: iceland, lang: en}\n'
        '  - {q: "how do i bake bread", expect: none, lang: en}\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable, "-m", "bot", "eval", str(cases),
            "--knowledge", str(FIXTURE), "--min-correct", "1.01",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert "BELOW THRESHOLD: correct" in result.stdout
    assert result.stdout.splitlines()[1].split()[:2] == ["overall", "2"]
