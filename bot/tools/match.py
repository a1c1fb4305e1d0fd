"""The `match` and `ask` commands: the matcher from the command line."""

from __future__ import annotations

import json
from typing import TextIO

from bot.matching import Decision, Matcher


def run_match(
    matcher: Matcher, source: TextIO, out: TextIO, user_lang: str | None, as_json: bool
) -> int:
    """One decision per input line, flushed at once so a pipe sees each answer in turn."""
    for raw in source:
        line = raw.rstrip("\r\n")
        decision = matcher.match(line, user_lang=user_lang)
        if as_json:
            out.write(json.dumps(decision.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(_one_line(decision) + "\n")
        out.flush()
    return 0


def _one_line(decision: Decision) -> str:
    if decision.status == "answer":
        what = f"{decision.entry} ({decision.topic})"
    elif decision.status == "suggest":
        what = ", ".join(s.entry for s in decision.suggestions)
    elif decision.status == "crisis":
        what = " ".join(decision.crisis) + (f" + {decision.entry}" if decision.entry else "")
    else:
        what = "-"
    return f"{decision.status:7} {decision.display_score:3d} {decision.lang}  {what}"


def run_ask(matcher: Matcher, question: str, out: TextIO, user_lang: str | None, top: int) -> int:
    """Explain one decision for a maintainer: what was read, every step of the score for the
    top candidates, and why the decision was taken."""
    decision = matcher.match(question, user_lang=user_lang, top=top)
    t = matcher.thresholds
    out.write(f"question:  {question}\n")
    out.write(f"matching:  {matcher.mode} (weights and thresholds: bot/matching/params.py)\n")
    if decision.analysis is not None:
        out.write(f"read as:   {' '.join(decision.analysis.words) or '(no words)'}\n")
        if decision.analysis.corrections:
            fixes = ", ".join(f"{a} → {b}" for a, b in decision.analysis.corrections)
            out.write(f"spelling:  {fixes}\n")
        out.write(f"features:  {' '.join(decision.analysis.features)}\n")
    guess = decision.language
    if guess is not None:
        ranked = ", ".join(f"{lang} {score:.2f}" for lang, score in guess.scores[:3])
        out.write(f"language:  {decision.lang} (confidence {guess.confidence:.2f}; {ranked})\n")
    else:
        out.write(f"language:  {decision.lang} (no letters: the user's language)\n")
    if decision.hits:
        cues = "; ".join(f"{h.kind}: '{h.cue}' [{h.lang}]" for h in decision.hits)
        out.write(f"safety:    {cues}\n")
    verdict = {
        "answer": f"ANSWER with {decision.entry} ({decision.topic})",
        "suggest": "SUGGEST " + ", ".join(s.entry for s in decision.suggestions),
        "none": "NONE: the bot says it does not know",
        "crisis": "CRISIS: the safety reply first ("
        + ", ".join(decision.crisis)
        + ")"
        + (f", then the answer {decision.entry}" if decision.entry else ""),
        "smalltalk": f"SMALL TALK ({decision.kind})",
        "language": f"LANGUAGE the bot does not read ({decision.lang})",
    }[decision.status]
    out.write(
        f"decision:  {verdict}, score {decision.display_score} (raw {decision.raw_score:.3f})\n"
    )
    out.write(
        f"           (answers from score 50 = raw {t.answer:.2f}, when {t.margin:.2f} ahead of the "
        f"best entry of another topic and sharing a content word; suggests from "
        f"{t.display_score(t.suggest)} = raw {t.suggest:.2f})\n"
    )
    if decision.candidates:
        first = decision.candidates[0]
        first_topic = matcher.topic_of.get(first.entry)
        other = next(
            (
                c.score
                for c in decision.candidates[1:]
                if matcher.topic_of.get(c.entry) != first_topic
            ),
            0.0,
        )
        out.write(f"           lead of #1 over the best other topic: {first.score - other:+.3f}\n")
    out.write("\ncandidates (each step of bot/matching/fusion.py, raw 0-1 values):\n")
    for rank, c in enumerate(decision.candidates[:top], start=1):
        topic = matcher.topic_of.get(c.entry, "?")
        out.write(
            f"{rank}. {t.display_score(c.score):3d}  {c.entry} ({topic})  raw {c.score:.3f}\n"
        )
        out.write(
            f"      best phrasing [{c.phrasing.lang}]: {c.phrasing.text}\n"
            f"      its signals: chars {c.char:.2f} · words {c.word:.2f} · "
            f"coverage {c.coverage:.2f}\n"
        )
        out.write("      steps: " + " → ".join(f"{n} {v:.3f}" for n, v in c.steps) + "\n")
        out.write(f"      shared words: {' '.join(c.matched) or '(none)'}")
        out.write("\n" if c.substantive else "  (no content word: never answered)\n")
    out.write(
        "\nTo fix a miss: add the question's wording as a phrasing of the right entry, or add "
        "a missing term to synonyms.yaml; then run `python -m bot validate` and ask again.\n"
    )
    return 0
