"""Real Telegram update JSON, built field by field as the Bot API sends it (no mocks)."""

from __future__ import annotations

import itertools
import time
from typing import Any

_message_ids = itertools.count(1)
_query_ids = itertools.count(1)

GROUP_ID = -1001234567890
STAFF_ID = -1009876543210
STAFF_MEMBER = 4040


def user(
    uid: int = 111, lang: str | None = "en", first: str = "Amina", **more: str
) -> dict[str, Any]:
    """A Telegram user; `more` adds last_name, username..."""
    data: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first, **more}
    if lang is not None:
        data["language_code"] = lang
    return data


def chat(uid: int = 111, group: bool = False) -> dict[str, Any]:
    if group:
        return {"id": GROUP_ID, "type": "supergroup", "title": "Newcomers help group"}
    return {"id": uid, "type": "private", "first_name": "Amina"}


def message_body(
    uid: int = 111,
    lang: str | None = "en",
    group: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat(uid, group),
        "from": user(uid, lang),
        **fields,
    }


def text(
    value: str, uid: int = 111, lang: str | None = "en", group: bool = False, **fields: Any
) -> dict[str, Any]:
    return {"message": message_body(uid, lang, group, text=value, **fields)}


def command(
    value: str, uid: int = 111, lang: str | None = "en", group: bool = False
) -> dict[str, Any]:
    word = value.split(" ", 1)[0]
    # The Bot API counts offsets and lengths in UTF-16 code units.
    length = len(word.encode("utf-16-le")) // 2
    entities = [{"type": "bot_command", "offset": 0, "length": length}]
    return text(value, uid, lang, group, entities=entities)


def mention(value: str, username: str, uid: int = 111, lang: str = "en") -> dict[str, Any]:
    """A group message that mentions the bot, e.g. '@bot asylum iceland'."""
    handle = f"@{username}"
    offset = value.index(handle)
    entities = [{"type": "mention", "offset": offset, "length": len(handle)}]
    return text(value, uid, lang, group=True, entities=entities)


def edited(value: str, uid: int = 111, lang: str = "en") -> dict[str, Any]:
    body = message_body(uid, lang, text=value, edit_date=int(time.time()))
    return {"edited_message": body}


def bot_message(chat_id: int, text_value: str, message_id: int, bot_id: int) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {
            "id": chat_id,
            "type": "private" if chat_id > 0 else "supergroup",
            "first_name": "A",
        },
        "from": {"id": bot_id, "is_bot": True, "first_name": "Migration FAQ"},
        "text": text_value,
    }


def press(
    data: str, uid: int = 111, lang: str = "en", on: dict[str, Any] | None = None
) -> dict[str, Any]:
    query: dict[str, Any] = {
        "id": str(next(_query_ids)),
        "from": user(uid, lang),
        "chat_instance": "8428209101768339",
        "data": data,
    }
    if on is not None:
        query["message"] = on
    return {"callback_query": query}


def inline(query: str, uid: int = 111, lang: str = "en") -> dict[str, Any]:
    return {
        "inline_query": {
            "id": str(next(_query_ids)),
            "from": user(uid, lang),
            "query": query,
            "offset": "",
        }
    }


def sticker(uid: int = 111, lang: str = "en") -> dict[str, Any]:
    return {
        "message": message_body(
            uid,
            lang,
            sticker={
                "file_id": "CAACAgIAAxkBAAIB",
                "file_unique_id": "AgADsticker",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👋",
            },
        )
    }


def photo(uid: int = 111, lang: str = "en") -> dict[str, Any]:
    size = {"file_id": "AgACAgIAAxkBAAIC", "file_unique_id": "AQADphoto", "width": 90, "height": 67}
    return {"message": message_body(uid, lang, photo=[size], caption="is this my permit?")}


def voice(uid: int = 111, lang: str = "en") -> dict[str, Any]:
    return {
        "message": message_body(
            uid,
            lang,
            voice={"file_id": "AwACAgIAAxkBAAID", "file_unique_id": "AgADvoice", "duration": 4},
        )
    }


def location(uid: int = 111, lang: str = "en") -> dict[str, Any]:
    return {
        "message": message_body(uid, lang, location={"latitude": 64.1466, "longitude": -21.9426})
    }


def document(uid: int = 111, lang: str = "en") -> dict[str, Any]:
    return {
        "message": message_body(
            uid,
            lang,
            document={
                "file_id": "BQACAgIAAxkBAAIE",
                "file_unique_id": "AgADdoc",
                "file_name": "passport.pdf",
            },
        )
    }


def identified(value: str, uid: int, lang: str = "en") -> dict[str, Any]:
    """A private text from a user whose profile carries everything Telegram can show: first
    and last name, username (the staff group must see none of it)."""
    who = user(uid, lang, first="Amina", last_name="Haddad", username="amina_h_1990")
    chat = {"id": uid, "type": "private", "first_name": "Amina", "last_name": "Haddad",
            "username": "amina_h_1990"}  # fmt: skip
    return {
        "message": {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": who,
            "text": value,
        }
    }


def staff(
    value: str | None,
    thread: int | None = None,
    reply_to: dict[str, Any] | None = None,
    chat_id: int = STAFF_ID,
    forum: bool = False,
    uid: int = STAFF_MEMBER,
    **fields: Any,
) -> dict[str, Any]:
    """A staff member's message in the staff group: in a forum topic (`thread`), or replying
    to a message (`reply_to`), or neither; a text starting with / is a command."""
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "supergroup", "title": "Staff", "is_forum": forum},
        "from": user(uid, "en", first="Sanna"),
        **fields,
    }
    if value is not None:
        body["text"] = value
        if value.startswith("/"):
            word = value.split(" ", 1)[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(word)}]
    if thread is not None:
        body["message_thread_id"] = thread
        body["is_topic_message"] = True
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    return {"message": body}


def staff_photo(thread: int | None = None, reply_to: dict[str, Any] | None = None,
                forum: bool = False) -> dict[str, Any]:  # fmt: skip
    size = {"file_id": "AgACAgIAAxkBAAIF", "file_unique_id": "AQADform", "width": 90, "height": 67}
    return staff(None, thread, reply_to, forum=forum, photo=[size], caption="the form to fill in")
