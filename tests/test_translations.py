"""The translators' round trip, `python -m bot translations export|import`, on real files.

Each test works on its own copy of the fixture knowledge (the shipped one where the folded
answers matter) and edits the exported PO file with Babel, as Poedit or Weblate would: change a
msgstr, remove the fuzzy mark. Then it reads the YAML files back as bytes and lines.
"""

from __future__ import annotations

import difflib
import io
import os
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.cli import main
from bot.kb import load_knowledge
from bot.tools.translations import FOLD_COLUMN, export_po, import_po

ASYLUM_AR = (
    "إجابة مراجعة عن اللجوء: قل للشرطة أو لمديرية الهجرة إنك تطلب الحماية، وسيشرحون لك الخطوات "
    "التالية بلغة تفهمها."
)


# ---- helpers ------------------------------------------------------------------------------


def export(folder: Path, lang: str, tmp_path: Path) -> Path:
    po = tmp_path / f"{lang}.po"
    out = io.StringIO()
    assert export_po(folder, lang, po, out) == 0
    assert f"wrote {po}" in out.getvalue()
    return po


def run_import(folder: Path, po: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = import_po(folder, po, out, err)
    return status, out.getvalue(), err.getvalue()


def read_catalog(po: Path) -> Catalog:
    with po.open("rb") as stream:
        return read_po(stream)


def edit_po(
    po: Path,
    texts: Mapping[str, str] | None = None,
    confirm: Collection[str] = (),
    fuzzy: Collection[str] = (),
) -> None:
    """As a translator's tool: new msgstr per msgctxt; `confirm` removes the fuzzy mark (a
    msgctxt, or an entry id for all its messages); `fuzzy` sets it."""
    catalog = read_catalog(po)
    for message in catalog:
        context = message.context or ""
        if not message.id:
            continue
        if texts and context in texts:
            message.string = texts[context]
        if context in confirm or context.split("|")[0] in confirm:
            message.flags.discard("fuzzy")
        if context in fuzzy:
            message.flags.add("fuzzy")
    with po.open("wb") as stream:
        write_po(stream, catalog)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*.yaml"))
    }


def changed_lines(before: bytes, after: bytes) -> list[str]:
    """The removed (-) and added (+) lines between two versions of a file."""
    diff = difflib.unified_diff(
        before.decode().splitlines(), after.decode().splitlines(), n=0, lineterm=""
    )
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def only_changed(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, list[str]]:
    assert before.keys() == after.keys()
    return {
        name: changed_lines(before[name], after[name])
        for name in before
        if before[name] != after[name]
    }


def entry_of(folder: Path, entry_id: str) -> tuple[str, ...]:
    """The unchecked languages of an entry, as the bot loads them."""
    entry = load_knowledge(folder).entry(entry_id)
    assert entry is not None
    return entry.unchecked


# ---- export -------------------------------------------------------------------------------


def test_export_has_every_text_with_the_english_and_unchecked_entries_fuzzy(
    fixture_copy: Path, tmp_path: Path
) -> None:
    po = export(fixture_copy, "ar", tmp_path)
    catalog = read_catalog(po)
    assert catalog.locale_identifier == "ar"
    messages = {message.context: message for message in catalog if message.id}
    kb = load_knowledge(fixture_copy)
    for entry in kb.entries:
        question = messages[f"{entry.id}|question"]
        assert question.id == entry.questions.get("en")[0]
        assert question.string == entry.questions.get("ar")[0]
        assert messages[f"{entry.id}|answer"].string == entry.answer.get("ar")
        phrasings = messages[f"{entry.id}|phrasings"]
        assert phrasings.id == "\n".join(entry.questions.get("en")[1:])
        assert phrasings.string == "\n".join(entry.questions.get("ar")[1:])
        # The fixture's entries have no label: there is no English to translate.
        assert f"{entry.id}|label" not in messages
        for name in ("question", "answer", "phrasings"):
            message = messages[f"{entry.id}|{name}"]
            assert message.fuzzy == ("ar" in entry.unchecked), message.context
            assert message.locations[0][0] == f"faq/{entry.topic}.yaml"
            assert f"Entry '{entry.id}'" in message.auto_comments[0]
            assert "python-format" not in message.flags
    answer = messages["iceland-work|answer"]
    assert any("knowledge/README.md" in note for note in answer.auto_comments)
    assert any("iom.fi/en/why-does-migration-iceland-matter" in n for n in answer.auto_comments)
    for topic in kb.topics:
        assert messages[f"topic:{topic.slug}|title"].string == topic.title.get("ar")
        assert messages[f"topic:{topic.slug}|description"].id == topic.description.get("en")
    assert len(messages) == 3 * len(kb.entries) + 2 * len(kb.topics)
    assert "fuzzy" in po.read_text(encoding="utf-8").split("msgid", 1)[0], "the header says why"


def test_labels_are_exported_with_their_limit(knowledge_copy: Path, tmp_path: Path) -> None:
    messages = {m.context: m for m in read_catalog(export(knowledge_copy, "fa", tmp_path))}
    label = messages["iceland-work|label"]
    assert label.id == "Working in Iceland"
    assert label.fuzzy
    assert "at most 40 characters" in " ".join(label.auto_comments)


# ---- import: nothing edited, nothing written ----------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_an_unedited_export_imports_as_no_change(
    fixture_copy: Path, tmp_path: Path, lang: str
) -> None:
    before = snapshot(fixture_copy)
    status, out, err = run_import(fixture_copy, export(fixture_copy, lang, tmp_path))
    assert status == 0
    assert out.startswith("nothing changed")
    assert err == ""
    assert snapshot(fixture_copy) == before


def test_the_shipped_knowledge_round_trips_byte_for_byte(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    before = snapshot(knowledge_copy)
    status, out, _ = run_import(knowledge_copy, export(knowledge_copy, "fa", tmp_path))
    assert (status, out.split(":")[0]) == (0, "nothing changed")
    assert snapshot(knowledge_copy) == before


# ---- import: edits ------------------------------------------------------------------------


def test_a_confirmed_answer_changes_only_its_lines_and_checks_the_entry(
    fixture_copy: Path, tmp_path: Path
) -> None:
    po = export(fixture_copy, "ar", tmp_path)
    edit_po(po, {"iceland-asylum|answer": ASYLUM_AR}, confirm={"iceland-asylum"})
    before = snapshot(fixture_copy)
    status, out, err = run_import(fixture_copy, po)
    assert (status, err) == (0, "")
    assert "iceland-asylum: answer updated; checked" in out.splitlines()
    assert out.splitlines()[-1] == "ar: 1 text updated, 1 marked checked; wrote faq/iceland.yaml"
    after = snapshot(fixture_copy)
    old_answer = (
        '-      ar: "إجابة اختبارية عن اللجوء: أخبر الشرطة أو مديرية الهجرة أنك تطلب الحماية."'
    )
    # The answer is written as the shipped files write answers: folded, at most 100 columns.
    assert only_changed(before, after) == {
        "faq/iceland.yaml": [
            old_answer,
            "+      ar: >-",
            *[f"+        {line}" for line in fold(ASYLUM_AR, 8)],
            "-    unchecked: [ar, uk]",
            "+    unchecked: [uk]",
        ]
    }
    # The header comments of the file are still there.
    assert after["faq/iceland.yaml"].startswith(before["faq/iceland.yaml"][:200])
    kb = load_knowledge(fixture_copy)
    entry = kb.entry("iceland-asylum")
    assert entry is not None
    assert entry.answer.get("ar") == ASYLUM_AR
    assert entry.unchecked == ("uk",)


def fold(text: str, indent: int) -> list[str]:
    """`text` in lines of at most FOLD_COLUMN columns at `indent`, breaking at spaces."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and indent + len(lines[-1]) + 1 + len(word) <= FOLD_COLUMN:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def test_a_fuzzy_edit_updates_the_text_and_keeps_the_mark(
    fixture_copy: Path, tmp_path: Path
) -> None:
    po = export(fixture_copy, "ar", tmp_path)
    # The answer is confirmed, the question and phrasings are left fuzzy.
    edit_po(po, {"iceland-asylum|answer": ASYLUM_AR}, confirm={"iceland-asylum|answer"})
    status, out, _ = run_import(fixture_copy, po)
    assert status == 0
    assert "iceland-asylum: answer updated; still unchecked (fuzzy: question, phrasings)" in out
    assert entry_of(fixture_copy, "iceland-asylum") == ("ar", "uk")
    # An edited text left fuzzy is written, and still marked.
    po = export(fixture_copy, "uk", tmp_path)
    edit_po(po, {"iceland-asylum|question": "Як мені попросити притулку в Ісландії?"})
    status, out, _ = run_import(fixture_copy, po)
    assert "iceland-asylum: question updated; still unchecked (fuzzy: " in out
    kb = load_knowledge(fixture_copy)
    entry = kb.entry("iceland-asylum")
    assert entry is not None
    assert entry.questions.get("uk")[0] == "Як мені попросити притулку в Ісландії?"
    assert entry.unchecked == ("ar", "uk")


def test_a_fuzzy_edit_of_a_checked_entry_marks_it_unchecked(
    fixture_copy: Path, tmp_path: Path
) -> None:
    po = export(fixture_copy, "uk", tmp_path)
    edit_po(
        po, {"iom-what|answer": "Нова відповідь: МОМ — агентство ООН."}, fuzzy={"iom-what|answer"}
    )
    before = snapshot(fixture_copy)
    status, out, _ = run_import(fixture_copy, po)
    assert status == 0
    assert "iom-what: answer updated; marked unchecked (fuzzy: answer)" in out
    assert only_changed(before, snapshot(fixture_copy)) == {
        "faq/iom.yaml": [
            '-      uk: "Тестова відповідь: МОМ — агентство ООН з питань міграції."',
            "+      uk: >-",
            "+        Нова відповідь: МОМ — агентство ООН.",
            "+    unchecked: [uk]",
        ]
    }
    # The blank line between the two entries stayed between them.
    text = (fixture_copy / "faq" / "iom.yaml").read_text(encoding="utf-8")
    assert "    unchecked: [uk]\n\n  - id: iom-office\n" in text


def test_an_edited_phrasings_list_round_trips(fixture_copy: Path, tmp_path: Path) -> None:
    po = export(fixture_copy, "uk", tmp_path)
    phrasings = [
        "робота в Ісландії",
        "де шукати роботу в Ісландії",
        "чи потрібен дозвіл на роботу в Ісландії",
        "як знайти роботу в Ісландії",
        "робота для іноземців  в Ісландії",  # a double space, tidied on import
    ]
    edit_po(po, {"iceland-work|phrasings": "\n".join(phrasings) + "\n\n"})
    before = snapshot(fixture_copy)
    status, out, _ = run_import(fixture_copy, po)
    assert status == 0
    assert "iceland-work: phrasings updated" in out.splitlines()
    kb = load_knowledge(fixture_copy)
    entry = kb.entry("iceland-work")
    assert entry is not None
    assert entry.questions.get("uk") == (
        "Чи можу я працювати в Ісландії?",
        *phrasings[:4],
        "робота для іноземців в Ісландії",
    )
    changes = only_changed(before, snapshot(fixture_copy))
    assert list(changes) == ["faq/iceland.yaml"]
    assert all(
        line.startswith(("-        - ", "+        - ")) for line in changes["faq/iceland.yaml"]
    )
    # Exported again, the list is the translator's.
    again = {m.context: m for m in read_catalog(export(fixture_copy, "uk", tmp_path))}
    assert str(again["iceland-work|phrasings"].string).split("\n") == [
        *phrasings[:4],
        "робота для іноземців в Ісландії",
    ]
    # A shorter list drops the lines at the end.
    edit_po(po, {"iceland-work|phrasings": "\n".join(phrasings[:4])})
    assert run_import(fixture_copy, po)[0] == 0
    entry = load_knowledge(fixture_copy).entry("iceland-work")
    assert entry is not None
    assert len(entry.questions.get("uk")) == 5


def test_comments_survive_the_removal_of_the_unchecked_key(
    fixture_copy: Path, tmp_path: Path
) -> None:
    path = fixture_copy / "faq" / "iceland.yaml"
    text = path.read_text(encoding="utf-8")
    marked = text.replace(
        "    unchecked: [ar, uk]\n\n",
        "    unchecked: [ar, uk]  # machine translations\n\n  # The study entry comes last.\n",
    )
    assert marked != text
    path.write_text(marked, encoding="utf-8")
    for lang in ("ar", "uk"):
        po = export(fixture_copy, lang, tmp_path)
        edit_po(po, confirm={"iceland-asylum"})
        status, out, _ = run_import(fixture_copy, po)
        assert (status, out.splitlines()[0]) == (0, "iceland-asylum: checked")
    assert path.read_text(encoding="utf-8") == marked.replace(
        "    unchecked: [ar, uk]  # machine translations\n", ""
    )
    assert entry_of(fixture_copy, "iceland-asylum") == ()


# ---- what an import refuses or ignores ----------------------------------------------------


def test_an_edit_that_breaks_validation_writes_nothing(fixture_copy: Path, tmp_path: Path) -> None:
    path = fixture_copy / "faq" / "iceland.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    sources: [iceland-article]\n    links:",
            "    label:\n      en: Working in Iceland\n      ar: العمل في آيسلندا\n"
            "      uk: Робота в Ісландії\n    sources: [iceland-article]\n    links:",
        ),
        encoding="utf-8",
    )
    po = export(fixture_copy, "uk", tmp_path)
    too_long = "Робота в Ісландії для іноземців: дозволи і права"
    edit_po(
        po,
        {"iceland-work|label": too_long, "iom-what|answer": "Нова відповідь про МОМ."},
    )
    before = snapshot(fixture_copy)
    status, out, err = run_import(fixture_copy, po)
    assert status == 1
    assert out == ""
    assert snapshot(fixture_copy) == before
    problem = next(line for line in err.splitlines() if "iceland-work" in line)
    assert f"label in 'uk' has {len(too_long)} characters" in problem
    assert problem.startswith(os.path.relpath(path) + ":"), "the real file, not the scratch copy"
    assert "nothing was written" in err


def test_an_empty_msgstr_never_erases_a_translation(fixture_copy: Path, tmp_path: Path) -> None:
    po = export(fixture_copy, "ar", tmp_path)
    edit_po(
        po, {"iceland-asylum|answer": "", "iom-what|question": "  "}, confirm={"iceland-asylum"}
    )
    before = snapshot(fixture_copy)
    status, out, _ = run_import(fixture_copy, po)
    assert status == 0
    assert out.startswith("nothing changed"), "an empty answer is not a confirmed one either"
    assert snapshot(fixture_copy) == before


def test_a_deleted_entry_is_a_warning_and_the_rest_is_imported(
    fixture_copy: Path, tmp_path: Path
) -> None:
    po = export(fixture_copy, "uk", tmp_path)
    edit_po(po, {"iom-office|answer": "Тестовий офіс МОМ відповідає листом."})
    catalog = read_catalog(po)
    catalog.add("An old answer.", "Стара відповідь.", context="iceland-old|answer")
    catalog.add("An old title.", "Стара тема.", context="topic:old|title")
    with po.open("wb") as stream:
        write_po(stream, catalog)
    status, out, err = run_import(fixture_copy, po)
    assert status == 0
    assert "iom-office: answer updated" in out
    assert out.splitlines()[-1].endswith("wrote faq/iom.yaml (2 warnings)")
    assert "warning: 'iceland-old|answer': no entry 'iceland-old' in the knowledge folder" in err
    assert "warning: 'topic:old|title': no topic 'old'" in err


def test_a_message_whose_english_changed_since_the_export_is_skipped(
    fixture_copy: Path, tmp_path: Path
) -> None:
    po = export(fixture_copy, "uk", tmp_path)
    edit_po(po, {"iom-what|answer": "Нова відповідь про МОМ."})
    path = fixture_copy / "faq" / "iom.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("the United Nations agency", "the UN agency"), encoding="utf-8")
    before = snapshot(fixture_copy)
    status, out, err = run_import(fixture_copy, po)
    assert (status, out.split(":")[0]) == (0, "nothing changed")
    assert "'iom-what|answer': the en text changed since the export; skipped" in err
    assert snapshot(fixture_copy) == before


def test_the_shipped_answers_stay_folded_at_100_columns(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    po = export(knowledge_copy, "fr", tmp_path)
    messages = {m.context: m for m in read_catalog(po)}
    longer = "En bref : " + str(messages["iceland-work|answer"].string)
    edit_po(po, {"iceland-work|answer": longer}, confirm={"iceland-work"})
    before = snapshot(knowledge_copy)
    status, out, _ = run_import(knowledge_copy, po)
    assert status == 0
    assert "iceland-work: answer updated; checked" in out
    after = snapshot(knowledge_copy)
    changes = only_changed(before, after)
    assert list(changes) == ["faq/iceland.yaml"]
    # Only the lines of the answer's text and of the unchecked list, at most 100 columns.
    assert all(
        line[1:].startswith(" " * 8) or line[1:].startswith("    unchecked: [")
        for line in changes["faq/iceland.yaml"]
    )
    assert "+    unchecked: [ar, es, fi, is, pl, ru, uk, fa]" in changes["faq/iceland.yaml"]
    assert max(len(line) - 1 for line in changes["faq/iceland.yaml"]) <= FOLD_COLUMN
    folded = "      fr: >-\n" + "".join(" " * 8 + line + "\n" for line in fold(longer, 8))
    assert folded in after["faq/iceland.yaml"].decode()
    entry = load_knowledge(knowledge_copy).entry("iceland-work")
    assert entry is not None
    assert entry.answer.get("fr") == longer


# ---- the command line ---------------------------------------------------------------------


def test_the_commands_and_their_exit_codes(
    fixture_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = tmp_path / "ar.po"
    folder = ["--knowledge", str(fixture_copy)]
    assert main(["translations", "export", "--lang", "ar", str(po), *folder]) == 0
    assert f"wrote {po}: 38 messages in ar (3 fuzzy" in capsys.readouterr().out
    edit_po(po, {"iceland-asylum|answer": ASYLUM_AR}, confirm={"iceland-asylum"})
    assert main(["translations", "import", str(po), *folder]) == 0
    assert "iceland-asylum: answer updated; checked" in capsys.readouterr().out
    assert entry_of(fixture_copy, "iceland-asylum") == ("uk",)

    assert main(["translations", "export", "--lang", "en", str(po), *folder]) == 1
    assert "'en' is the source language" in capsys.readouterr().err
    assert main(["translations", "export", "--lang", "fr", str(po), *folder]) == 1
    assert "not a language of knowledge/config.yaml (choose one of ar, uk)" in (
        capsys.readouterr().err
    )
    french = tmp_path / "fr.po"
    french.write_bytes(po.read_bytes().replace(b'"Language: ar\\n"', b'"Language: fr\\n"'))
    assert main(["translations", "import", str(french), *folder]) == 1
    assert "cannot import 'fr'" in capsys.readouterr().err
    assert main(["translations", "import", str(tmp_path / "missing.po"), *folder]) == 1
    assert "cannot read" in capsys.readouterr().err
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "b"\nmsgid\n', encoding="utf-8")
    assert main(["translations", "import", str(broken), *folder]) == 1
    assert "not a valid PO file" in capsys.readouterr().err
