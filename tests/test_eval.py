"""The evaluation set cannot regress: `python -m bot eval` with the issue's thresholds."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SHARED, needs_shared

DEV = SHARED / "eval" / "dev.yaml"


@needs_shared("eval/dev.yaml")
def test_dev_set_meets_the_targets() -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "bot", "eval", str(DEV),
            "--min-correct", "0.95", "--max-wrong", "0.02", "--min-reachable", "0.98",
            "--max-false-answer", "0.05", "--min-language", "0.98",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    header, overall = result.stdout.splitlines()[:2]
    assert header.split() == ["cases", "correct", "wrong", "reach", "oos", "false", "lang"]
    assert overall.startswith("overall")


@needs_shared("eval/dev.yaml")
def test_eval_fails_below_a_threshold() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", str(DEV), "--min-correct", "1.01"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "BELOW THRESHOLD: correct" in result.stdout
