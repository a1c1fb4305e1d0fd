"""Property-based checks: whatever a user types or a maintainer saves, nothing breaks."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram.render import to_messages
from bot.dialog import Dialog, Press, Reply, Span, TextMessage, User, actions
from bot.kb.yamlsource import YamlError, parse_yaml
from bot.matching import Matcher
from bot.text import fold

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(st.text(max_size=300))
def test_any_text_gets_a_decision(matcher: Matcher, text: str) -> None:
    decision = matcher.match(text, user_lang="ar")
    assert decision.status in ("answer", "suggest", "none", "crisis", "smalltalk", "language")
    assert 0 <= decision.display_score <= 100
    # The reply is in one of ours, or, for a language the bot does not read, names it.
    assert decision.lang in matcher.kb.languages or decision.status == "language"


@FAST
@given(st.text(max_size=200))
def test_the_dialog_always_replies_to_text(matcher: Matcher, text: str) -> None:
    outcome = Dialog(matcher.kb, matcher).handle(TextMessage(text), User(None, "uk"))
    assert outcome.replies
    for reply in outcome.replies:
        assert all(len(m) <= 4096 for m in to_messages(reply))


@FAST
@given(st.one_of(st.text(max_size=80), st.binary(max_size=64).map(lambda b: b.decode("latin-1"))))
def test_any_button_data_is_handled(matcher: Matcher, data: str) -> None:
    outcome = Dialog(matcher.kb, matcher).handle(Press(data), User())
    assert outcome.replies or outcome.notice
    parsed = actions.parse(data)
    assert parsed is None or len(data.encode()) <= 64


@given(st.text(max_size=50))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(
    st.lists(
        st.tuples(st.sampled_from(["plain", "bold", "italic"]), st.text(max_size=900)), max_size=12
    )
)
def test_rendered_messages_fit_and_balance(parts: list[tuple[str, str]]) -> None:
    reply = Reply(tuple((Span(t, style),) for style, t in parts), "en")  # type: ignore[arg-type]
    for message in to_messages(reply, limit=1000):
        assert len(message) <= 1000
        assert message.count("<b>") == message.count("</b>")
        assert message.count("<i>") == message.count("</i>")


@given(st.text(max_size=400))
def test_the_yaml_reader_never_crashes(text: str) -> None:
    """Any text gives a document or a YamlError with a line and a hint, nothing else."""
    problem: YamlError | None = None
    try:
        doc = parse_yaml(Path("x.yaml"), text)
    except YamlError as exc:
        problem = exc
    if problem is None:
        assert doc.line_of(("anything", 3)) >= 1
    else:
        assert problem.line >= 1
        assert problem.hint
