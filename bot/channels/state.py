"""The state changes of an `Outcome`, applied to a store the same way by every channel.

The user's language and its erasure; and, never tied to the user, the 👍/👎 count, the
maintainers' counts (`bot.dialog.usage`) and a question the user chose to send to the team.
"""

from __future__ import annotations

from bot.dialog import Outcome
from bot.dialog.usage import usage_of
from bot.store import Store


def record(store: Store, outcome: Outcome, user_id: int | None) -> None:
    """Apply `outcome` to `store`; `user_id` None (an anonymous update) changes no user state."""
    if user_id is not None and outcome.set_language:
        store.set_language(user_id, outcome.set_language)
    if user_id is not None and outcome.forget:
        store.forget(user_id)
    if outcome.feedback:
        store.add_feedback(*outcome.feedback)
    question = outcome.send_question
    if question is not None:
        store.add_sent_question(question.lang, question.text, question.nearest)
    usage = usage_of(outcome)
    if usage is not None:
        store.count(usage.lang, usage.status, usage.entry)
