"""The safety scan on its own: cue rules, typos, word gaps, exclusions and long messages.

These tests build a scanner from a few cues written here, so they check the matching rules
whatever the shipped `knowledge/safety.yaml` says (tests/test_safety.py checks that file).
"""

from __future__ import annotations

import pytest

from bot.matching.safety import SafetyScanner

CUES = [
    ("self-harm", "en", "want to die"),
    ("self-harm", "en", "kill* myself"),
    ("self-harm", "en", "suicide"),
    ("trafficking", "en", "took passport"),
    ("violence", "ru", "муж бьёт"),
    ("violence", "ar", "يضربني"),
    ("danger", "en", "kill* me"),
    ("emergency", "en", "emergency number"),
]
NOT_CRISIS = [("en", "killer whale*")]


@pytest.fixture(scope="module")
def scanner() -> SafetyScanner:
    return SafetyScanner(CUES, NOT_CRISIS, known_words={"killer", "whales", "iceland"})


def kinds(scanner: SafetyScanner, text: str) -> list[str]:
    return [hit.kind for hit in scanner.scan(text)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I want to die", "self-harm"),
        ("i WANT TO DIE!!", "self-harm"),
        ("I really want to just die", "self-harm"),  # two words between cue words
        ("i am going to kill myself", "self-harm"),
        ("thinking about killing myself", "self-harm"),  # kill* matches killing
        ("sucide", "self-harm"),  # one edit away
        ("they took my passport", "trafficking"),
        ("Муж меня бьёт", "violence"),  # the cue's words in order with one between
        ("زوجي يضربني", "violence"),
        ("what is the emergency number", "emergency"),
    ],
)
def test_cues_match_as_people_write(scanner: SafetyScanner, text: str, kind: str) -> None:
    assert kind in kinds(scanner, text)


@pytest.mark.parametrize(
    "text",
    [
        "killer whales in Iceland",  # an exclusion, and 'killer' is not 'kill*' + 'me'
        "I want to visit Iceland before I die",  # too many words between want and die
        "me kill",  # a cue with a function word keeps its order
        "",
        "???",
    ],
)
def test_ordinary_text_raises_no_alarm(scanner: SafetyScanner, text: str) -> None:
    assert kinds(scanner, text) == []


def test_content_words_may_come_in_another_order(scanner: SafetyScanner) -> None:
    assert kinds(scanner, "my passport, they took it") == ["trafficking"]


def test_the_most_severe_kind_comes_first(scanner: SafetyScanner) -> None:
    found = kinds(scanner, "what is the emergency number? they will kill me")
    assert found[0] == "danger"
    assert "emergency" in found


def test_a_cue_at_the_end_of_a_long_message_is_found(scanner: SafetyScanner) -> None:
    long_message = "I have a question about the Global Compact. " * 80 + "I want to die."
    assert len(long_message) > 3000
    assert "self-harm" in kinds(scanner, long_message)


def test_a_known_word_is_never_corrected_into_a_cue(scanner: SafetyScanner) -> None:
    # "killer" is a word the bot knows; it must not be read as a misspelling of anything.
    assert kinds(scanner, "killer") == []


def test_hits_say_which_cue_matched(scanner: SafetyScanner) -> None:
    (hit,) = scanner.scan("they took my passport")
    assert (hit.kind, hit.cue, hit.lang) == ("trafficking", "took passport", "en")
    assert (hit.start, hit.end) == (1, 3)
