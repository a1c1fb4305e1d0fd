"""The curated FAQ itself: coverage, accuracy rules and honest evaluation."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz

from bot.dialog import Dialog, Press, Reply, User, actions
from bot.kb import CONTRACT_TOPICS, KnowledgeBase
from bot.matching import Matcher
from bot.text import question_key
from bot.tools.stats import content_stats, phone_lines
from tests.conftest import FIXTURE, KNOWLEDGE, ROOT, SHARED, needs_shared

# Every language config.yaml requires (a new language joins these checks when it is added there).
LANGUAGES = tuple(
    yaml.safe_load((KNOWLEDGE / "config.yaml").read_text(encoding="utf-8"))["languages"]
)
ALLOW_LIST = KNOWLEDGE / "allowed-urls.txt"
URL = r"https?://[\w.-]+\.[a-z]{2,}[^\s\"'<>)]*"


def test_coverage_of_topics_and_entries(kb: KnowledgeBase) -> None:
    assert len(kb.entries) >= 40
    per_topic = Counter(entry.topic for entry in kb.entries)
    assert set(per_topic) == {*CONTRACT_TOPICS, "help"}
    assert all(per_topic[slug] >= 4 for slug in CONTRACT_TOPICS), per_topic
    assert per_topic["iceland"] >= 8
    assert per_topic["lgbti"] >= 8


def test_every_entry_has_five_phrasings_and_an_answer_in_every_language(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for lang in LANGUAGES:
            assert len(entry.questions.get(lang)) >= 5, (entry.id, lang)
            assert entry.answer.get(lang), (entry.id, lang)


def test_translations_are_marked_unchecked_only_in_other_languages(kb: KnowledgeBase) -> None:
    """Machine translations start unchecked; a person who checks one removes the mark (see
    knowledge/README.md), so the rule is only that the source language is never marked."""
    for entry in kb.entries:
        assert set(entry.unchecked) <= set(LANGUAGES) - {kb.source_language}, entry.id
    assert not kb.locale(kb.source_language).unchecked


def test_required_practical_entries_exist(kb: KnowledgeBase) -> None:
    ids = {entry.id for entry in kb.entries}
    assert {"iom-what", "iom-contact-nordic"} <= ids
    assert {
        "iceland-work",
        "iceland-study",
        "iceland-asylum",
        "iceland-quota-refugees",
        "iceland-permits",
        "iceland-official-info",
        "iceland-why-come",
    } <= ids
    assert {"lgbti-iom-friendly", "lgbti-threatened", "lgbti-staff-training"} <= ids


def urls_in(value: object) -> set[str]:
    """The addresses written in the values of a parsed YAML document (not its comments)."""
    if isinstance(value, str):
        return {u.rstrip(".,;)") for u in re.findall(URL, value)}
    if isinstance(value, dict):
        return set().union(*(urls_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(urls_in(v) for v in value))
    return set()


def urls_in_knowledge() -> set[str]:
    found: set[str] = set()
    for path in KNOWLEDGE.rglob("*.yaml"):
        found |= urls_in(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def allow_list() -> dict[str, str]:
    """The addresses of allowed-urls.txt, each with its note of where it was verified."""
    listed: dict[str, str] = {}
    for line in ALLOW_LIST.read_text(encoding="utf-8").splitlines():
        url, _, note = line.partition("#")
        if url.strip():
            listed[url.strip()] = note.strip()
    return listed


def test_every_url_is_a_cited_article_or_on_the_allow_list(kb: KnowledgeBase) -> None:
    """The project's own record of its addresses: articles.yaml, then allowed-urls.txt."""
    listed = allow_list()
    unexplained = [url for url, note in listed.items() if not note]
    assert unexplained == [], f"{ALLOW_LIST.name}: say where each was verified"
    articles = {article.url for article in kb.articles.values()}
    unknown = sorted(urls_in_knowledge() - articles - set(listed))
    assert unknown == [], f"URLs neither in articles.yaml nor in {ALLOW_LIST.name}: {unknown}"


@needs_shared("sources.md")
def test_every_url_comes_from_the_sources_or_the_allow_list() -> None:
    sources = (SHARED / "sources.md").read_text(encoding="utf-8")
    allowed = {u.rstrip(".,;") for u in re.findall(URL, sources)} | set(allow_list())
    unknown = sorted(urls_in_knowledge() - allowed)
    assert unknown == [], f"URLs not listed in sources.md or {ALLOW_LIST.name}: {unknown}"


@needs_shared("sources.md")
def test_answers_mention_no_number_absent_from_the_sources(kb: KnowledgeBase) -> None:
    """Every number in an English answer appears in sources.md (or is a small count)."""
    sources = (SHARED / "sources.md").read_text(encoding="utf-8")
    numbers_in_sources = set(re.findall(r"\d[\d,.]*\d|\d", sources.replace("\u202f", "")))
    for entry in kb.entries:
        answer = entry.answer.get("en") or ""
        for number in re.findall(r"\d[\d,.]*\d|\d", answer):
            clean = number.rstrip(".,")
            if len(clean) <= 1:
                continue
            assert clean in numbers_in_sources or clean.replace(",", "") in numbers_in_sources, (
                entry.id,
                clean,
            )


HELD_OUT = sorted((ROOT / "benchmarks" / "data").glob("*_heldout.yaml"))
# Messages this short are the common words of a language ("hi", "kiitos", "ok"): any list of
# greetings has them, so they are not copies.
COPY_MIN_WORDS = 3
# Crisis cues and small talk are short canonical expressions ("I want to die", "what can you
# do"), written without seeing the evaluation sets; one of five words or more is a copy.
CANONICAL_MAX_WORDS = 4


def _evaluation_messages() -> list[tuple[str, str]]:
    """(set name, folded message) of every evaluation and held-out set there is."""
    paths = [*sorted((SHARED / "eval").glob("*.yaml")), *HELD_OUT] if SHARED.is_dir() else HELD_OUT
    found = []
    for path in paths:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            key = question_key(case["q"])
            if len(key.split()) >= COPY_MIN_WORDS:
                found.append((path.name, key))
    return found


def _knowledge_texts(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(where, text) of every phrasing but titles, crisis cue and small-talk phrase.

    An entry's first question is the canonical question it answers (its title, shown above
    the answer): an evaluation set may well ask exactly that.
    """
    texts = []
    for lang in LANGUAGES:
        texts += [(entry.id, q) for entry in kb.entries for q in entry.questions.get(lang)[1:]]
        texts += [(f"safety {g.kind}", c) for g in kb.safety.kinds for c in g.cues.get(lang)]
        for talk in kb.smalltalk.kinds:
            texts += [(f"smalltalk {talk.kind}", p) for p in talk.phrases.get(lang)]
    return texts


def test_no_evaluation_question_was_copied_into_the_knowledge_base(kb: KnowledgeBase) -> None:
    """The evaluation sets (../shared/eval, where present) and our held-out sets measure how
    matching generalizes, so none of their messages may be a phrasing, a cue or a small-talk
    phrase.

    95 catches a copy with a typo or punctuation changed; different questions that share a
    long name ("the International Organization for Migration") stay below it.
    """
    evaluation = _evaluation_messages()
    assert evaluation, "the held-out sets are in benchmarks/data"
    copies = []
    for where, text in _knowledge_texts(kb):
        mine = question_key(text)
        if where.startswith(("safety", "smalltalk")) and len(mine.split()) <= CANONICAL_MAX_WORDS:
            continue
        copies += [(where, text, name) for name, t in evaluation if fuzz.ratio(mine, t) >= 95]
    assert copies == [], "messages copied from an evaluation set"


@pytest.mark.parametrize("folder", [KNOWLEDGE, FIXTURE], ids=["shipped", "fixture"])
def test_every_yaml_file_names_its_schema(folder: Path) -> None:
    for path in folder.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), (path, target)


def test_committed_schemas_match_the_models(tmp_path: Path) -> None:
    from bot.kb.schema import SCHEMA_DIR, schema_texts

    for name, text in schema_texts().items():
        committed = (KNOWLEDGE / SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run `python -m bot schema`"


# ---- what a reader sees: numbers, addresses, lengths --------------------------------------

# Finnish writes dates with the month as a number (8.2.2018): the day and year stay numbers
# everywhere, the month is a word in English.
NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.\d{1,2}\.(\d{4})?")


def _numbers(text: str) -> set[str]:
    digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return set(re.findall(r"\d+", NUMERIC_DATE.sub(r"\1 \2", digits)))


def _english_numbers(text: str) -> set[str]:
    found = _numbers(text)
    # "2020-24" may be written in full in a translation; "around the clock" as "24 hours".
    for century, _start, end in re.findall(r"\b(\d{2})(\d{2})[-–](\d{2})\b", text):
        found.add(century + end)
    if "around the clock" in text:
        found.add("24")
    return found


def test_every_number_in_a_translation_is_in_the_english_answer(kb: KnowledgeBase) -> None:
    source = kb.source_language
    drift = [
        (entry.id, lang, sorted(extra))
        for entry in kb.entries
        for lang in kb.languages
        if (
            extra := _numbers(entry.answer.get(lang) or "")
            - _english_numbers(entry.answer.get(source) or "")
        )
    ]
    assert drift == [], "a figure a translation has and the English answer has not"


def test_every_address_a_reader_can_open_is_https(kb: KnowledgeBase) -> None:
    urls = [a.url for a in kb.articles.values()]
    urls += [link.url for entry in kb.entries for link in entry.links]
    urls += [u for c in kb.contacts.values() for u in (c.url, c.chat) if u]
    assert urls
    assert [u for u in urls if not u.startswith("https://")] == []


def test_labels_answers_and_source_lines_fit_a_phone(kb: KnowledgeBase, matcher: Matcher) -> None:
    stats = {s.lang: s for s in content_stats(kb, matcher).languages}
    assert set(stats) == set(kb.languages)
    assert all(s.labels_over == 0 for s in stats.values()), "a button label would be cut"
    assert stats[kb.source_language].answers_over == 0
    # Sources take one short line per publisher (two phone lines at most), whatever the page.
    dialog = Dialog(kb, matcher)
    for entry in kb.entries:
        reply = dialog.handle(Press(actions.entry(entry.id, "en")), User("en")).replies[0]
        publishers = {kb.articles[a].publisher for a in entry.sources if a in kb.articles}
        cited = Reply(tuple(p for p in reply.paragraphs if p[0].text.startswith("Source:")), "en")
        assert phone_lines(cited) <= 2 * len(publishers) + (2 if entry.links else 0), entry.id
