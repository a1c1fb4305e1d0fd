"""What one outcome adds to the maintainers' counts: a language, a status and maybe an entry.

Statuses, as `python -m bot report` shows them:
- a question: `answer`, `suggest`, `none`, `crisis:<kind>`, `smalltalk`, `unsupported-language`;
- a button: `opened` (an entry, from a topic, a suggestion or a related question),
  `vote-up` / `vote-down` (with the entry), `none-of-these`, `sent-to-team`;
- the hand-off: `to-team` (a message to a person).
Nothing else is counted, and never who: a count is the same whoever caused it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialog.reply import Outcome

_QUESTION_STATUS = {"language": "unsupported-language"}
# What a question can end as (the report counts these as questions asked), and the prefix of a
# safety reply's status, followed by the kind of danger.
QUESTION_STATUSES = ("answer", "suggest", "none", "smalltalk", "unsupported-language")
CRISIS = "crisis:"
_BUTTON_STATUS = {"entry": "opened", "original": "opened", "none": "none-of-these"}


@dataclass(frozen=True)
class Usage:
    lang: str
    status: str
    entry: str = ""


def usage_of(outcome: Outcome) -> Usage | None:
    """The count one outcome adds, or None when it adds none (menus, commands, stale...)."""
    details = outcome.details
    lang = details.get("lang", "")
    if outcome.kind == "question" and "status" in details:
        status = details["status"]
        if status == "crisis":
            status = f"{CRISIS}{details.get('kind', '')}"
        return Usage(lang, _QUESTION_STATUS.get(status, status), details.get("entry", ""))
    if outcome.kind == "button":
        button = details.get("button", "")
        if outcome.feedback is not None:
            entry, vote = outcome.feedback
            return Usage(lang, "vote-up" if vote > 0 else "vote-down", entry)
        if outcome.send_question is not None:
            return Usage(lang, "sent-to-team")
        if button in _BUTTON_STATUS:
            return Usage(lang, _BUTTON_STATUS[button], details.get("entry", ""))
        return None
    if outcome.kind == "handoff" and details.get("handoff") in ("open", "send"):
        return Usage(lang, "to-team")
    return None
