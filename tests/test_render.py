"""HTML rendering for Telegram: escaping and splitting."""

from __future__ import annotations

from bot.channels.telegram.render import to_messages
from bot.dialog import Reply, Span


def test_every_dynamic_string_is_escaped() -> None:
    reply = Reply(
        (
            (Span("<script>alert(1)</script> & co", "bold"),),
            (Span('a "b" <c>', "link", 'https://x.org/?a=1&b="2"'),),
        ),
        "en",
    )
    (html,) = to_messages(reply)
    assert "<script>" not in html
    assert "<b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b>" in html
    assert '<a href="https://x.org/?a=1&amp;b=&quot;2&quot;">a "b" &lt;c&gt;</a>' in html


def test_long_replies_split_at_paragraphs_below_the_limit() -> None:
    paragraphs = tuple((Span(f"Paragraph {i}: " + "word " * 150),) for i in range(20))
    messages = to_messages(Reply(paragraphs, "en"))
    assert len(messages) > 1
    assert all(len(m) <= 4096 for m in messages)
    assert all(m.startswith("Paragraph") for m in messages)
    assert "".join(messages).count("Paragraph") == 20


def test_a_single_huge_paragraph_is_cut_at_words_with_balanced_markup() -> None:
    reply = Reply(((Span("x&y " * 3000, "italic"),),), "en")
    messages = to_messages(reply)
    assert len(messages) > 1
    for message in messages:
        assert len(message) <= 4096
        assert message.count("<i>") == message.count("</i>")
        assert message.replace("&amp;", "").count("&") == 0  # no entity cut in half


def test_arabic_paragraphs_start_with_a_right_to_left_mark() -> None:
    (html,) = to_messages(Reply(((Span("IOM في آيسلندا"),), (Span("المصدر"),)), "ar"))
    assert all(p.startswith("\u200f") for p in html.split("\n\n"))


def test_the_message_limit_is_telegrams() -> None:
    """One home for 4096: the knowledge limits, which must agree with the Bot API's."""
    from telegram.constants import MessageLimit

    from bot.channels.telegram.render import MESSAGE_LIMIT

    assert MESSAGE_LIMIT == MessageLimit.MAX_TEXT_LENGTH
