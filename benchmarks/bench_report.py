"""How long `python -m bot report` takes over a big store: 100,000 counts, 5,000 questions.

The store is a real SQLite file filled for the occasion: a year of counts over ten languages,
every status and every entry (100,000 rows), and 5,000 sent questions — variations of 400
different questions in ten languages, the way people reword the same need. Then the report is
timed as the command runs it (read, group, render text and page), in a fresh process so its
peak memory is its own.

    python benchmarks/bench_report.py
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store import SqliteStore  # noqa: E402

COUNTS = 100_000
QUESTIONS = 5_000
DISTINCT = 400
LANGS = ("en", "ar", "uk", "ru", "fa", "fr", "es", "pl", "fi", "is")
STATUSES = ("answer", "suggest", "none", "smalltalk", "unsupported-language", "opened",
            "vote-up", "vote-down", "none-of-these", "sent-to-team", "crisis:violence",
            "crisis:self-harm")  # fmt: skip
WORDS = ("work", "permit", "visa", "school", "children", "doctor", "rent", "flat", "bank",
         "account", "language", "course", "job", "asylum", "family", "wife", "husband", "papers",
         "passport", "tax", "card", "bus", "Oslo", "Berlin", "Rome", "help", "money", "insurance",
         "driving", "licence", "marriage", "citizenship", "interview", "appeal")  # fmt: skip


def fill(path: Path, until: date) -> None:
    rng = random.Random(1)
    SqliteStore(path).close()  # the schema
    rows: set[tuple[str, str, str, str]] = set()
    entries = [f"entry-{n}" for n in range(65)]
    while len(rows) < COUNTS:
        day = (until - timedelta(days=rng.randrange(365))).isoformat()
        status = rng.choice(STATUSES)
        entry = rng.choice(entries) if status in ("answer", "opened", "vote-up") else ""
        rows.add((day, rng.choice(LANGS), status, entry))
    bases = [
        (rng.choice(LANGS), "how " + " ".join(rng.sample(WORDS, rng.randint(3, 6))))
        for _ in range(DISTINCT)
    ]
    questions = []
    for _ in range(QUESTIONS):
        lang, base = rng.choice(bases)
        words = base.split()
        if rng.random() < 0.5:
            words.remove(rng.choice(words[1:]))
        if rng.random() < 0.2:
            rng.shuffle(words)
        day = (until - timedelta(days=rng.randrange(90))).isoformat()
        questions.append((day, lang, " ".join(words), rng.choice(entries)))
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO usage_count (day, lang, status, entry_id, n) VALUES (?, ?, ?, ?, ?)",
            [(*row, rng.randint(1, 40)) for row in rows],
        )
        db.executemany(
            "INSERT INTO sent_question (day, lang, text, nearest) VALUES (?, ?, ?, ?)", questions
        )


def measure(path: Path, days: int, until: date) -> tuple[float, float, int]:
    """Seconds and peak MB of a fresh process running the report (text and page)."""
    code = (
        "import resource, sys, time\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from bot.report import Period, summarize\n"
        "from bot.report.page import report_page\n"
        "from bot.report.render import report_lines\n"
        "from bot.store import SqliteStore\n"
        "start = time.perf_counter()\n"
        f"store = SqliteStore(Path({str(path)!r}), retention_days=3650)\n"
        f"period = Period.last({days}, date.fromisoformat({until.isoformat()!r}))\n"
        "summary = summarize(store, period)\n"
        "text = list(report_lines(summary))\n"
        "page = report_page(summary)\n"
        "took = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(took, peak, len(summary.groups))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    took, peak, groups = out.stdout.split()
    return float(took), float(peak), int(groups)


def main() -> None:
    until = date(2026, 11, 29)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        started = time.perf_counter()
        fill(path, until)
        print(f"filled {COUNTS:,} counts and {QUESTIONS:,} questions "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        print()
        print(f"{'period':<10}{'seconds':>9}{'peak MB':>9}{'groups':>8}")
        for days in (7, 90, 365):
            took, peak, groups = measure(path, days, until)
            print(f"{days:>4} days {took:>9.2f}{peak:>9.0f}{groups:>8,}")


if __name__ == "__main__":
    # --help says what the script measures, before it runs anything.
    argparse.ArgumentParser(description=__doc__).parse_args()
    main()
