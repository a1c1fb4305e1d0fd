"""How well the safety scan finds people in danger, how often it raises a false alarm, and
what it costs per message.

    python benchmarks/bench_safety.py [--knowledge DIR] [--misses]

Rows:
- crisis recall and kind on `benchmarks/data/safety_heldout.yaml`: crisis messages written
  independently of `knowledge/safety.yaml` (never copied into it), in ten languages;
- false alarms on ordinary text: that set's ordinary questions, every phrasing of the FAQ (the
  `help` topic apart: asking where victims of violence get help is close to a crisis on
  purpose), our multilingual out-of-scope questions, and, when ../shared/benchmarks is there,
  CLINC150's 23,700 assistant queries and xSID's commands in 17 languages;
- the time the scan adds to one message (median and p99 of the scan alone, and of a whole
  `Matcher.match` with and without cues, in the same process).
The dev set (../shared/eval/safety-dev.yaml) is scored by `python -m bot eval`, not here.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import benchdata
import yaml
from benchdata import timed

from bot.kb import load_knowledge
from bot.kb.models import SafetyFile
from bot.matching import Matcher
from bot.matching.safety import SafetyScanner

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def scan_kinds(scanner: SafetyScanner, text: str) -> list[str]:
    return [hit.kind for hit in scanner.scan(text)]


def ordinary_corpora(matcher: Matcher) -> dict[str, list[str]]:
    """Ordinary texts that should raise no alarm, by corpus name."""
    kb = matcher.kb
    corpora: dict[str, list[str]] = {
        "FAQ phrasings (not the help topic)": [
            q
            for entry in kb.entries
            if entry.topic != "help"
            for lang in kb.languages
            for q in entry.questions.get(lang)
        ],
    }
    written: dict[str, list[str]] = yaml.safe_load(
        (DATA / "out_of_scope.yaml").read_text(encoding="utf-8")
    )
    corpora["our out-of-scope questions (8 languages)"] = [q for qs in written.values() for q in qs]
    if benchdata.available():
        clinc = benchdata.clinc150(None)
        texts = [q for qs in clinc.phrasings.values() for q in qs]
        texts += [q for q, _ in clinc.val + clinc.test]
        corpora["CLINC150 (all queries, en)"] = texts
        xsid: list[str] = []
        for lang in benchdata.xsid_languages():
            xsid += [q for q, _ in benchdata.xsid(lang).test]
        corpora["xSID commands (18 languages)"] = xsid
    return corpora


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--misses", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()
    kb = load_knowledge(args.knowledge)
    matcher = Matcher(kb)
    scanner = matcher.safety
    cases = yaml.safe_load((DATA / "safety_heldout.yaml").read_text(encoding="utf-8"))["cases"]
    crises = [c for c in cases if c["expect"] == "crisis"]
    ordinary = [c for c in cases if c["expect"] != "crisis"]

    print(f"{scanner.size} cues; held-out set: {len(crises)} crises, {len(ordinary)} other\n")
    print("| measure | cases | result |")
    print("|---|---:|---:|")
    found = [c for c in crises if matcher.match(c["q"], c.get("user_lang")).status == "crisis"]
    kind_right = [
        c for c in found if c.get("kind") is None or c["kind"] in scan_kinds(scanner, c["q"])
    ]
    print(f"| crisis recall, held-out | {len(crises)} | {len(found) / len(crises):.1%} |")
    print(f"| kind named (of those found) | {len(found)} | {len(kind_right) / len(found):.1%} |")
    by_lang: dict[str, list[int]] = {}
    for c in crises:
        by_lang.setdefault(c["lang"], [0, 0])[1] += 1
        by_lang[c["lang"]][0] += c in found
    worst = min(by_lang.items(), key=lambda kv: kv[1][0] / kv[1][1])
    print(f"| lowest recall in one language ({worst[0]}) | {worst[1][1]} | "
          f"{worst[1][0] / worst[1][1]:.1%} |")  # fmt: skip
    alarms = [
        c
        for c in ordinary
        if "crisis" not in (c.get("accept") or [])
        and matcher.match(c["q"], c.get("user_lang")).status == "crisis"
    ]
    print(f"| false alarms, held-out ordinary and small talk | {len(ordinary)} | "
          f"{len(alarms) / len(ordinary):.1%} |")  # fmt: skip
    flagged: dict[str, list[str]] = {}
    for name, texts in ordinary_corpora(matcher).items():
        flagged[name] = [t for t in texts if scanner.scan(t)]
        print(f"| false alarms, {name} | {len(texts)} | {len(flagged[name]) / len(texts):.2%} |")

    texts = [c["q"] for c in cases] + ordinary_corpora(matcher)[
        "FAQ phrasings (not the help topic)"
    ]
    scan = timed(scanner.scan, texts)
    without = Matcher(replace(kb, safety=SafetyFile(kinds=())))
    full = timed(lambda t: matcher.match(t), texts)
    bare = timed(lambda t: without.match(t), texts)
    print("\n| timing, ms per message | median | p99 |")
    print("|---|---:|---:|")
    print(f"| safety scan alone | {scan[0]:.3f} | {scan[1]:.3f} |")
    print(f"| whole match, no cues | {bare[0]:.3f} | {bare[1]:.3f} |")
    print(f"| whole match, with cues | {full[0]:.3f} | {full[1]:.3f} |")
    print(f"| added by the scan (p99) | | {full[1] - bare[1]:+.3f} |")

    if args.misses:
        print("\nmissed crises:")
        for c in crises:
            if c not in found:
                print(f"- [{c['lang']}] {c.get('kind')}: {c['q']}")
        print("\nfalse alarms:")
        for c in alarms:
            hits = "; ".join(f"{h.kind} '{h.cue}'" for h in scanner.scan(c["q"]))
            print(f"- [{c['lang']}] {c['q']}  ← {hits}")
        for name, texts in flagged.items():
            for t in texts[:40]:
                hits = "; ".join(f"{h.kind} '{h.cue}'" for h in scanner.scan(t))
                print(f"- ({name}) {t}  ← {hits}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
