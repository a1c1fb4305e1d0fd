"""The evaluation set cannot regress: `python -m bot eval` with the issue's thresholds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURE, ROOT, SHARED, needs_shared

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
