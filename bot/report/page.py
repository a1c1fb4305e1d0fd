"""The report as one self-contained HTML page: charts drawn as inline SVG, styles inline, no
script and nothing loaded from anywhere (its Content-Security-Policy forbids it), so it opens
offline and can be mailed as a file."""

from __future__ import annotations

from html import escape

from bot.kb import KnowledgeBase
from bot.report.render import BUTTON_NAMES, EXAMPLES, OUTCOME_NAMES, yaml_suggestion
from bot.report.summary import Summary

# Colour-blind-safe (Okabe–Ito), one per language in order of use; the rest share grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#7F3C8D", "#999999")  # fmt: skip
OUTCOME_COLOURS = {
    "answer": "#009E73",
    "suggest": "#56B4E9",
    "none": "#E69F00",
    "crisis": "#D55E00",
    "smalltalk": "#999999",
    "unsupported-language": "#CC79A7",
}
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:right}
td:first-child,th:first-child{text-align:left}tr:nth-child(even){background:#f4f4f4}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;
height:.8rem;margin-right:.3rem;vertical-align:middle}
pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}.group{margin-bottom:1.2rem}
.muted{color:#666}
"""
# Words where the terminal shows emoji: a page must not depend on an emoji font.
PAGE_NAMES = {"vote-up": "votes: helpful", "vote-down": "votes: not helpful"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def report_page(summary: Summary, kb: KnowledgeBase | None = None) -> str:
    period = summary.period
    title = f"Bot report {period.since} to {period.until}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p><b>{summary.questions:,}</b> questions in {len(summary.languages)} languages. "
        "Counts only: no user ids, no message text except the questions people chose to send."
        "</p>",
        "<h2>Questions per day, by language</h2>",
        _per_day_chart(summary),
        "<h2>What happened to the questions</h2>",
        _outcome_chart(summary),
        *_crisis_table(summary),
        *_buttons(summary),
        *_entries_table(summary),
        *_groups(summary, kb),
        "</body></html>",
    ]
    return "\n".join(parts)


OTHER = "other"


def _series(summary: Summary) -> list[str]:
    """The languages drawn in their own colour, most used first; the rest are "other"."""
    langs = summary.languages
    if len(langs) <= len(PALETTE):
        return langs
    return [*langs[: len(PALETTE) - 1], OTHER]


def _colours(summary: Summary) -> dict[str, str]:
    return dict(zip(_series(summary), PALETTE, strict=False))


def _day_counts(summary: Summary, day: str) -> dict[str, int]:
    series = set(_series(summary))
    counts: dict[str, int] = {}
    for lang, n in summary.per_day[day].items():
        key = lang if lang in series else OTHER
        counts[key] = counts.get(key, 0) + n
    return counts


def _per_day_chart(summary: Summary) -> str:
    """Stacked bars, a bar per day, a colour per language, with a legend."""
    days = list(summary.per_day)
    colours = _colours(summary)
    width, height, left, bottom = 760, 240, 44, 40
    peak = max((sum(c.values()) for c in summary.per_day.values()), default=0) or 1
    step = (width - left) / max(len(days), 1)
    bar = max(step * 0.7, 1.0)
    shapes = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#888"/>',
        f'<text x="{left - 6}" y="14" text-anchor="end" font-size="11">{peak:,}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11">0</text>',
    ]
    scale = (height - bottom - 10) / peak
    label_every = max(1, len(days) // 10)
    for i, day in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = float(height - bottom)
        counts = _day_counts(summary, day)
        for lang in _series(summary):
            n = counts.get(lang, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            shapes.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colours[lang]}"><title>{day} {lang}: {n:,}</title></rect>'
            )
        if i % label_every == 0:
            shapes.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="11">{day[5:]}</text>'
            )
    legend = "".join(
        f'<span><i style="background:{colours[lang]}"></i>{escape(lang)}</span>'
        for lang in _series(summary)
    )
    return (
        f'<svg id="per-day" role="img" aria-label="questions per day" viewBox="0 0 {width} '
        f'{height}" width="100%">{"".join(shapes)}</svg><div class="legend">{legend}</div>'
    )


def _outcome_chart(summary: Summary) -> str:
    """A horizontal bar per outcome, with its share of the questions."""
    rows = list(summary.outcomes.items())
    width, row, left = 760, 26, 170
    height = row * len(rows) + 6
    peak = max((n for _, n in rows), default=0) or 1
    shapes = []
    for i, (status, n) in enumerate(rows):
        y = 4 + i * row
        w = (width - left - 120) * n / peak
        name = OUTCOME_NAMES.get(status, status)
        shapes.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="13">'
            f"{escape(name)}</text>"
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{OUTCOME_COLOURS.get(status, "#999999")}"><title>{n:,}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{y + 15}" font-size="13">{n:,} '
            f"({summary.share(status):.1%})</text>"
        )
    return (
        f'<svg id="outcomes" role="img" aria-label="what happened to the questions" '
        f'viewBox="0 0 {width} {max(height, row)}" width="100%">{"".join(shapes)}</svg>'
    )


def _crisis_table(summary: Summary) -> list[str]:
    if not summary.crisis_kinds:
        return []
    rows = "".join(
        f"<tr><td>{escape(kind)}</td><td>{n:,}</td></tr>"
        for kind, n in summary.crisis_kinds.items()
    )
    return ["<h2>Safety replies by kind</h2>", f"<table><tr><th>kind</th><th>replies</th></tr>"
            f"{rows}</table>"]  # fmt: skip


def _buttons(summary: Summary) -> list[str]:
    if not summary.buttons:
        return []
    items = "".join(
        f"<li>{escape(PAGE_NAMES.get(status) or BUTTON_NAMES.get(status, status))}: {n:,}</li>"
        for status, n in summary.buttons.items()
    )
    return ["<h2>Buttons</h2>", f"<ul>{items}</ul>"]


def _entries_table(summary: Summary) -> list[str]:
    if not summary.entries:
        return []
    rows = "".join(
        f"<tr><td>{escape(u.entry)}</td><td>{u.answered:,}</td><td>{u.opened:,}</td>"
        f"<td>{u.up:,}</td><td>{u.down:,}</td></tr>"
        for u in summary.entries
    )
    return [
        "<h2>Entries, most votes first</h2>",
        '<table id="entries"><tr><th>entry</th><th>answered</th><th>opened</th>'
        f"<th>helpful</th><th>not helpful</th></tr>{rows}</table>",
    ]


def _groups(summary: Summary, kb: KnowledgeBase | None) -> list[str]:
    sent = sum(g.size for g in summary.groups)
    parts = [
        "<h2>Questions sent to the team</h2>",
        f'<p class="muted">{sent:,} questions in {len(summary.groups):,} groups, biggest first; '
        "phone numbers, e-mail addresses and @names were removed before they were stored.</p>",
        "<p><b>Read them first for danger</b>: a message about a threat, violence, self-harm or "
        "exploitation the bot did not recognise belongs in <code>knowledge/safety.yaml</code> as "
        "cues, not in an FAQ entry.</p>",
    ]
    for number, group in enumerate(summary.groups, start=1):
        others = "".join(f"<li>{escape(text)}</li>" for text in group.examples(EXAMPLES))
        suggestion = "\n".join(yaml_suggestion(group, kb))
        parts.append(
            f'<div class="group"><b>{number}. {group.size}× [{escape(group.lang)}]</b> '
            f"{escape(group.leader.text)}"
            + (f"<ul>{others}</ul>" if others else "")
            + f"<pre>{escape(suggestion)}</pre></div>"
        )
    return parts
