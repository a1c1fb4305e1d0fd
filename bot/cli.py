"""Command line: `python -m bot <command>`; `--help` on each command explains it.

Commands import what they need lazily so that `validate` or `match` start fast and never
load the Telegram library.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError, load_settings
from bot.errors import UserFacingError
from bot.memory import one_arena
from bot.tools.targets import Targets

if TYPE_CHECKING:
    from bot.kb import KnowledgeBase
    from bot.matching import Matcher

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    # Answers and errors are UTF-8 whatever the terminal's locale says.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    one_arena()
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    handler: Handler = getattr(args, "handler", _cmd_run)
    try:
        return handler(args, settings)
    except UserFacingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Migration awareness chatbot. Without a command: `run`.",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="start the bot (Telegram with a token, otherwise a chat in this terminal)",
        description="Start the bot. With TELEGRAM_BOT_TOKEN set it talks to Telegram (long "
        "polling, or a webhook with --webhook); without a token it opens the same "
        "conversation in this terminal.",
    )
    run.add_argument("--webhook", metavar="URL", help="public https URL for webhook mode")
    _knowledge_option(run)
    run.set_defaults(handler=_cmd_run)

    chat = sub.add_parser(
        "chat",
        help="talk to the bot in this terminal",
        description="The bot's conversation in the terminal. Type a question; type the number "
        "of a button to press it; /help lists commands; Ctrl-D or /quit ends.",
    )
    _lang_option(chat, "your language, as Telegram would report it")
    _knowledge_option(chat)
    chat.set_defaults(handler=_cmd_chat)

    validate = sub.add_parser(
        "validate",
        help="check the knowledge folder and report every problem",
        description="Load the knowledge folder and report every problem as "
        "'path:line: what is wrong — how to fix it'. Exit status 1 on any error.",
    )
    validate.add_argument("directory", nargs="?", type=Path, metavar="DIR")
    _knowledge_option(validate)
    validate.add_argument(
        "--errors-only", action="store_true", help="do not list warnings (they are still counted)"
    )
    validate.add_argument(
        "--verbose",
        action="store_true",
        help="list every unchecked translation (by default: one line per language)",
    )
    validate.add_argument(
        "--stats",
        action="store_true",
        help="also print the content report: answer and label lengths, phone lines per answer "
        "message, unchecked translations per language, entries per topic",
    )
    validate.set_defaults(handler=_cmd_validate)

    schema = sub.add_parser(
        "schema",
        help="write the JSON Schemas editors use to check the YAML files",
        description="Write knowledge/schemas/*.schema.json from the pydantic models.",
    )
    _knowledge_option(schema)
    schema.add_argument(
        "--check", action="store_true", help="exit 1 if the written schemas are out of date"
    )
    schema.set_defaults(handler=_cmd_schema)

    backup = sub.add_parser(
        "backup",
        help="copy the bot's database to a new file, also while the bot runs",
        description="Copy the SQLite database (BOT_DATABASE_PATH) to FILE with SQLite's online "
        "backup. The key file is not copied: keep it apart (see the README).",
    )
    backup.add_argument("file", type=Path, metavar="FILE")
    backup.set_defaults(handler=_cmd_backup)

    report = sub.add_parser(
        "report",
        help="what people asked and what to add: counts, votes, unanswered questions",
        description="Summarise the bot's counts (per day, language and status), the votes per "
        "entry and the questions users chose to send, grouped by similarity with a phrasing "
        "to paste into the YAML. Reads BOT_DATABASE_PATH; never shows who asked.",
    )
    report.add_argument("--days", type=int, default=7, help="the last N days (default 7)")
    report.add_argument("--until", type=_iso_day, help="the last day (YYYY-MM-DD; default today)")
    report.add_argument("--html", type=Path, metavar="FILE", help="also write a page with charts")
    _knowledge_option(report)
    report.set_defaults(handler=_cmd_report)

    translations = sub.add_parser(
        "translations",
        help="export one language's FAQ texts to a PO file for translators, and import it back",
        description="The translators' round trip. `export` writes the questions, labels, answers "
        "and phrasings of every entry (and the topics' names) in one language as a gettext PO "
        "file, the English beside each, for Poedit, Lokalize or Weblate; unchecked translations "
        "are marked fuzzy. `import` writes the edited texts back into the YAML, marks as "
        "checked every entry none of whose messages is fuzzy any more, and writes nothing if "
        "the result does not validate.",
    )
    steps = translations.add_subparsers(title="steps", metavar="STEP", required=True)
    export = steps.add_parser(
        "export",
        help="write the PO file of one language",
        description="Write FILE (a gettext PO file) with every text of the FAQ and the topics in "
        "the language CODE, the English as msgid; entries still unchecked in CODE are fuzzy.",
    )
    export.add_argument("--lang", required=True, metavar="CODE", help="a language of config.yaml")
    export.add_argument("file", type=Path, metavar="FILE")
    _knowledge_option(export)
    export.set_defaults(handler=_cmd_translations_export)
    load = steps.add_parser(
        "import",
        help="write a translated PO file back into the YAML",
        description="Write the texts of FILE that differ from the YAML back into it (comments "
        "and order kept) and remove the language from `unchecked` where none of an entry's "
        "messages is fuzzy. The result is validated first: on any error nothing is written.",
    )
    load.add_argument("file", type=Path, metavar="FILE")
    _knowledge_option(load)
    load.set_defaults(handler=_cmd_translations_import)

    match = sub.add_parser(
        "match",
        help="match questions from standard input (one per line)",
        description="Read one question per line on standard input and print the decision "
        "for each: one JSON object per line with --json (the contract in DESIGN.md).",
    )
    match.add_argument("--json", action="store_true", help="print JSON lines (the contract)")
    _lang_option(match, "the user's Telegram language")
    _knowledge_option(match)
    match.set_defaults(handler=_cmd_match)

    ask = sub.add_parser(
        "ask",
        help="explain how one question is matched (for maintainers)",
        description="Show the decision for one question, the top candidates with their "
        "scores, and which phrasing and words matched.",
    )
    ask.add_argument("question")
    _lang_option(ask, "the user's Telegram language")
    _knowledge_option(ask)
    ask.add_argument("--top", type=int, default=5, help="candidates to show (default 5)")
    ask.set_defaults(handler=_cmd_ask)

    evaluate = sub.add_parser(
        "eval",
        help="score a question file (see DESIGN.md) and list every failure",
        description="Score a YAML file of cases {q, expect, lang, accept} as DESIGN.md "
        "describes. Exit status 1 when a figure is below its threshold.",
    )
    evaluate.add_argument("file", type=Path)
    _knowledge_option(evaluate)
    _lang_option(
        evaluate,
        "play this Telegram language for every case (default: none, so the reply "
        "language must come from the text)",
    )
    for gate in fields(Targets):
        option = "--" + gate.name.replace("_", "-")
        evaluate.add_argument(option, type=float, default=gate.default, metavar="F")
    evaluate.set_defaults(handler=_cmd_eval)
    return parser


def _knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge", type=Path, metavar="DIR", help="knowledge folder (BOT_KNOWLEDGE_DIR)"
    )


def _lang_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--lang", type=_lang_tag, metavar="CODE", help=help_text)


def _lang_tag(value: str) -> str:
    """Any language tag Telegram may report ("en", "pt-br"): the bot maps it to its own."""
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", value):
        raise argparse.ArgumentTypeError(f"not a language code: {value!r} (e.g. en, uk, pt-br)")
    return value.lower()


def _knowledge_dir(args: argparse.Namespace, settings: Settings) -> Path:
    given: Path | None = getattr(args, "knowledge", None) or getattr(args, "directory", None)
    return given if given is not None else settings.resolved_knowledge_dir()


def _cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb import check_knowledge

    root = _knowledge_dir(args, settings)
    result = check_knowledge(root)
    for line in result.report.render(errors_only=args.errors_only, verbose=args.verbose):
        print(line)
    errors, warnings = len(result.report.errors), len(result.report.warnings)
    verdict = "OK" if errors == 0 else "FAILED"
    print(f"{verdict}: {root}: {result.stats.format()}; {errors} errors, {warnings} warnings")
    if args.stats and result.kb is not None:
        from bot.tools.stats import content_stats

        print()
        for line in content_stats(result.kb).render():
            print(line)
    return 0 if errors == 0 else 1


def _cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb.schema import SCHEMA_DIR, schema_texts, write_schemas

    root = _knowledge_dir(args, settings)
    if args.check:
        stale = [
            name
            for name, text in schema_texts().items()
            if not (root / SCHEMA_DIR / name).is_file()
            or (root / SCHEMA_DIR / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"{root / SCHEMA_DIR / name}: out of date — run `python -m bot schema`")
        return 1 if stale else 0
    for path in write_schemas(root):
        print(f"wrote {path}")
    return 0


def _load_or_explain(root: Path) -> KnowledgeBase | None:
    """Load the knowledge base, or print its errors and return None."""
    from bot.kb import check_knowledge

    result = check_knowledge(root)
    if result.kb is None:
        for line in result.report.render(errors_only=True):
            print(line, file=sys.stderr)
        print(
            f"error: the knowledge folder {root} has {len(result.report.errors)} error(s); "
            "run `python -m bot validate` for the full report",
            file=sys.stderr,
        )
    return result.kb


def _matcher(args: argparse.Namespace, settings: Settings) -> Matcher | None:
    """The matcher the bot would use (with the semantic signal unless BOT_SEMANTIC=off)."""
    from bot.matching import Matcher

    kb = _load_or_explain(_knowledge_dir(args, settings))
    if kb is None:
        return None
    return Matcher(kb, embedder=settings.embedder())


def _cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.match import run_match

    matcher = _matcher(args, settings)
    if matcher is None:
        return 1
    return run_match(matcher, sys.stdin, sys.stdout, user_lang=args.lang, as_json=args.json)


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.match import run_ask

    matcher = _matcher(args, settings)
    if matcher is None:
        return 1
    return run_ask(matcher, args.question, sys.stdout, user_lang=args.lang, top=args.top)


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.evaluate import run_eval

    matcher = _matcher(args, settings)
    if matcher is None:
        return 1
    targets = Targets(**{gate.name: getattr(args, gate.name) for gate in fields(Targets)})
    return run_eval(matcher, args.file, sys.stdout, targets, user_lang=args.lang)


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.console import run_console

    return run_console(settings, _knowledge_dir(args, settings), user_lang=args.lang)


def _iso_day(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (YYYY-MM-DD)") from None


def _cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb import KnowledgeError, load_knowledge
    from bot.report import Period, summarize
    from bot.report.page import report_page
    from bot.report.render import report_lines

    source = settings.database_path
    if settings.database_url is None and not source.is_file():
        print(f"error: no database at {source} (BOT_DATABASE_PATH)", file=sys.stderr)
        return 1
    if args.days < 1:
        print("error: --days must be 1 or more", file=sys.stderr)
        return 2
    until = date.fromisoformat(args.until) if args.until else datetime.now(UTC).date()
    store = settings.open_store()
    try:
        summary = summarize(store, Period.last(args.days, until))
    finally:
        store.close()
    try:
        # Only to say where a suggested phrasing goes; the report works without it.
        kb = load_knowledge(_knowledge_dir(args, settings))
    except KnowledgeError:
        kb = None
    for line in report_lines(summary, kb):
        print(line)
    if args.html is not None:
        try:
            args.html.write_text(report_page(summary, kb), encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.html}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"\nwrote {args.html}")
    return 0


def _cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import SqliteStore

    if settings.database_url is not None:
        print(
            "error: BOT_DATABASE_URL is PostgreSQL: back it up with pg_dump (see the README)",
            file=sys.stderr,
        )
        return 1
    source = settings.database_path
    if not source.is_file():
        print(f"error: no database at {source} (BOT_DATABASE_PATH)", file=sys.stderr)
        return 1
    store = SqliteStore(source)
    try:
        store.backup(args.file)
    finally:
        store.close()
    print(f"backed up {source} to {args.file} (the key file {source.name}.key is not included)")
    return 0


def _cmd_translations_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.translations import export_po

    return export_po(_knowledge_dir(args, settings), args.lang, args.file, sys.stdout)


def _cmd_translations_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.translations import import_po

    return import_po(_knowledge_dir(args, settings), args.file, sys.stdout, sys.stderr)


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    knowledge = _knowledge_dir(args, settings)
    if settings.token is None:
        if getattr(args, "webhook", None):
            print("error: --webhook needs TELEGRAM_BOT_TOKEN to be set", file=sys.stderr)
            return 2
        print(
            "TELEGRAM_BOT_TOKEN is not set: opening the same conversation in this terminal.",
            file=sys.stderr,
        )
        from bot.channels.console import run_console

        return run_console(settings, knowledge, user_lang=None, instead_of_telegram=True)
    from bot.channels.telegram.app import run_telegram

    return run_telegram(settings, knowledge, webhook_url=getattr(args, "webhook", None))
