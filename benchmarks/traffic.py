"""Simulated traffic through the real dialog into a real SQLite store: what `report` shows.

Questions come from the project's own held-out sets (benchmarks/data: scope, safety,
out-of-scope), each asked through `Dialog.handle` on a simulated day, with a few rewordings
typed the way people type. Users open related answers, vote, and press "Send this question to
the team" under some of the replies the bot could not give — the same code path as in Telegram.

    python benchmarks/traffic.py data/demo.sqlite3 --days 14 --users 400

Then `BOT_DATABASE_PATH=data/demo.sqlite3 python -m bot report --days 14 --html report.html`.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels.state import record  # noqa: E402
from bot.dialog import Dialog, Press, TextMessage, User  # noqa: E402
from bot.dialog.held import HeldQuestions  # noqa: E402
from bot.kb import load_knowledge  # noqa: E402
from bot.matching import Matcher  # noqa: E402
from bot.store import SqliteStore  # noqa: E402

DATA = ROOT / "benchmarks" / "data"


def questions() -> list[tuple[str, str]]:
    """(question, language) from the held-out sets and the out-of-scope list."""
    found: list[tuple[str, str]] = []
    for name in ("scope_heldout.yaml", "safety_heldout.yaml"):
        for case in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["cases"]:
            found.append((case["q"], case.get("lang", "en")))
    for lang, items in yaml.safe_load((DATA / "out_of_scope.yaml").read_text("utf-8")).items():
        found.extend((q, lang) for q in items)
    return found


def reworded(question: str, rng: random.Random) -> str:
    """The way people type: lower case, no question mark, a dropped word now and then."""
    words = question.rstrip("?？؟ ").split()
    if len(words) > 4 and rng.random() < 0.4:
        del words[rng.randrange(len(words))]
    text = " ".join(words)
    return text.lower() if rng.random() < 0.5 else text


def simulate(store_path: Path, days: int, users: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    kb = load_knowledge(ROOT / "knowledge")
    dialog = Dialog(kb, Matcher(kb), held=HeldQuestions())
    pool = questions()
    # Some questions are asked far more often than others, as in real use.
    weights = [rng.paretovariate(1.2) for _ in pool]
    start = datetime.now(UTC) - timedelta(days=days - 1)
    clock = [start.timestamp()]
    store = SqliteStore(store_path, clock=lambda: clock[0])
    for day in range(days):
        clock[0] = (start + timedelta(days=day)).timestamp()
        # Growth and a weekly rhythm, so the chart has a shape.
        asked = int(users * (0.6 + 0.4 * day / max(days - 1, 1)) * (0.7 if day % 7 >= 5 else 1))
        for _ in range(asked):
            question, lang = rng.choices(pool, weights)[0]
            user = User(client_lang=lang)
            outcome = dialog.handle(TextMessage(reworded(question, rng)), user)
            record(store, outcome, None)
            for reply in outcome.replies:
                for row in reply.buttons:
                    for button in row:
                        action = button.action or ""
                        pressed = (
                            (action.startswith("q:") and rng.random() < 0.35)
                            or (action.startswith("v:+") and rng.random() < 0.12)
                            or (action.startswith("v:-") and rng.random() < 0.04)
                            or (action.startswith("e:") and rng.random() < 0.05)
                        )
                        if pressed:
                            record(store, dialog.handle(Press(action), user), None)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--users", type=int, default=300, help="questions on a weekday")
    args = parser.parse_args()
    simulate(args.database, args.days, args.users)
    print(f"wrote {args.database}")


if __name__ == "__main__":
    main()
