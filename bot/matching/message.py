"""What of a message each step reads: the safety scan every sentence, the FAQ match the
sentences that ask.

Telegram messages run to 4096 characters. People in distress often write a long message
with the question first and the trouble at the end, or the other way round; nothing of it is
dropped silently.
"""

from __future__ import annotations

import re

from bot.matching.params import MAX_QUERY_CHARS

# A sentence ends at . ! ? ؟ ۔ । 。 or … followed by a space, or at a line break. "Tampere 2.0"
# and "e.g." without a following capital stay inside their sentence well enough.
_BOUNDARY = re.compile(r"(?<=[.!?؟۔।。…])\s+|\n+")
_ASKS = re.compile(r"[?؟]")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, empty ones left out."""
    return [s.strip() for s in _BOUNDARY.split(text) if s.strip()]


def asking_part(parts: list[str], limit: int = MAX_QUERY_CHARS) -> str:
    """The text the FAQ match reads: all of it when short; otherwise the sentences that ask
    (with a question mark), else all sentences, in order, up to `limit` characters."""
    whole = " ".join(parts)
    if len(whole) <= limit:
        return whole
    chosen = [p for p in parts if _ASKS.search(p)] or parts
    out: list[str] = []
    size = 0
    for part in chosen:
        if size + len(part) > limit:
            if not out:
                out.append(part[:limit])
            break
        out.append(part)
        size += len(part) + 1
    return " ".join(out)
