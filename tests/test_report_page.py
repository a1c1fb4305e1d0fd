"""The report page in a real headless browser: it renders, the charts are drawn, nothing is
loaded from anywhere and the console stays silent. Needs Chromium (`.ci/run` installs Debian's
package); elsewhere the tests skip and say how to install it."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import SqliteStore

BROWSER = next(
    (p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no Chromium: install it (Debian/Ubuntu: sudo apt-get install chromium) to test "
    "the report page in a browser",
)
# As the machine's probe starts it: no sandbox as root, and no background connections (the
# network is closed; without these flags Chromium logs refused connections).
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
)  # fmt: skip
LANGS = ("en", "ar", "uk", "fa", "fr")


def browse(page: Path, profile: Path, *extra: str) -> tuple[str, list[str]]:
    """The DOM after rendering, and what the page wrote to the browser's console."""
    assert BROWSER is not None
    done = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    database = folder / "bot.sqlite3"
    today = datetime.now(UTC).replace(hour=12)
    clock = [today.timestamp()]
    store = SqliteStore(database, clock=lambda: clock[0])
    for back in range(10):
        clock[0] = (today - timedelta(days=back)).timestamp()
        for i, lang in enumerate(LANGS):
            for _ in range(3 + i + back % 3):
                store.count(lang, "answer", "iceland-work")
            store.count(lang, "none")
        store.count("en", "crisis:violence")
        store.count("en", "vote-up", "iceland-work")
        store.add_sent_question("ar", "هل يمكنني العمل في النرويج", ("iceland-work",))
    store.close()
    out = folder / "report.html"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BOT_DATABASE_PATH", str(database))
        assert main(["report", "--days", "10", "--html", str(out)]) == 0
    return out


def test_the_page_renders_its_charts_with_a_silent_console(page: Path, tmp_path: Path) -> None:
    dom, console = browse(page, tmp_path / "profile", "--dump-dom")
    assert console == []
    # One bar segment per day and language in the daily chart, a bar per outcome in the other.
    per_day = re.search(r'<svg id="per-day".*?</svg>', dom, re.S)
    assert per_day is not None
    assert per_day.group(0).count("<rect") == 10 * len(LANGS)
    outcomes = re.search(r'<svg id="outcomes".*?</svg>', dom, re.S)
    assert outcomes is not None
    assert outcomes.group(0).count("<rect") == 3  # answered, don't know, safety reply
    assert "هل يمكنني العمل في النرويج" in dom
    shot = tmp_path / "report.png"
    browse(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,1400")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def test_the_console_check_catches_a_page_that_reaches_out(tmp_path: Path, page: Path) -> None:
    """The check above is not vacuous: the same page with one remote image is caught."""
    leaky = tmp_path / "leaky.html"
    html = page.read_text(encoding="utf-8")
    leaky.write_text(html.replace("</body>", '<img src="https://example.org/a.png"></body>'))
    _, console = browse(leaky, tmp_path / "profile", "--dump-dom")
    assert any("Content Security Policy" in line for line in console)
