"""A fake Telegram Bot API server for end-to-end tests (aiohttp, on a free local port).

It speaks the same HTTP as api.telegram.org for the methods the bot uses, records every call
(with its result), hands out queued updates through getUpdates, and can be told to fail a
method a few times (429 with retry_after, 5xx, or a slow answer) to test that no reply is lost.
Unknown methods get a 400, as the real server would ("PTB reads 404 as a bad token").

Groups the bot is in are declared with `add_group` (a forum has topics: createForumTopic
works there and nowhere else); a user in `blocked` has blocked the bot (403 on sendMessage
and copyMessage to them).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 4242
BOT_USERNAME = "migration_faq_test_bot"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    # When the call arrived (time.perf_counter), for latency measurements.
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Fault:
    kind: str  # "retry_after", "server_error", "html_502", "slow"
    times: int
    value: float = 0


@dataclass
class FakeBotApi:
    token: str
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    reject_token: bool = False
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    # Random faults: method → (share of calls, kinds to pick from); see `_chaos`.
    chaos: dict[str, tuple[float, tuple[str, ...]]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    _next_update_id: int = 1
    _next_topic_id: int = 500
    _next_message_id: int = 1000
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    _new_call: asyncio.Event = field(default_factory=asyncio.Event)
    runner: web.AppRunner | None = None
    port: int = 0

    # ---- server lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        sockets = getattr(site._server, "sockets", None)
        assert sockets
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        # Release a getUpdates still waiting for its long-poll timeout (the bot has stopped and
        # no longer reads it), so that the server closes at once instead of after a second.
        self._new_update.set()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- test controls ------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update = dict(update)
        update["update_id"] = self._next_update_id
        self._next_update_id += 1
        self.updates.append(update)
        self._new_update.set()
        return int(update["update_id"])

    def fail(self, method: str, kind: str, times: int = 1, value: float = 0) -> None:
        self.faults.setdefault(method, []).append(Fault(kind, times, value))

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def add_group(self, chat_id: int, title: str = "Staff", forum: bool = False) -> None:
        """A supergroup the bot is an admin of; with `forum`, topics are enabled."""
        self.groups[chat_id] = {"id": chat_id, "type": "supergroup", "title": title,
                                "is_forum": forum}  # fmt: skip

    def to_chat(self, chat_id: int) -> list[Call]:
        """Every call made about one chat (sendMessage, copyMessage, createForumTopic...)."""
        return [c for c in self.calls if c.params.get("chat_id") == chat_id]

    async def wait_for(
        self, method: str, count: int = 1, within: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until `method` was called at least `count` times in total."""
        deadline = time.monotonic() + within
        while len(self.sent(method)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"{method} called {len(self.sent(method))} times, expected {count}; "
                    f"calls: {[c.method for c in self.calls]}"
                )
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)
        return self.sent(method)

    # ---- HTTP -------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return dict(body) if isinstance(body, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else str(value)
            try:
                params[key] = json.loads(text)
            except json.JSONDecodeError:
                params[key] = text
        return params

    async def _dispatch(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        if token != self.token or self.reject_token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params = await self._params(request)
        chaos = await self._chaos(method, params, request)
        if chaos is not None:
            return chaos
        for fault in self.faults.get(method, []):
            if fault.times <= 0:
                continue
            fault.times -= 1
            if fault.kind == "retry_after":
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": int(fault.value or 1)},
                    },
                    status=429,
                )
            if fault.kind == "html_502":
                # What a proxy in front of the Bot API answers when it is down: not JSON.
                return web.Response(
                    status=502, text="<html><body>502 Bad Gateway</body></html>",
                    content_type="text/html",
                )  # fmt: skip
            if fault.kind == "server_error":
                return web.json_response(
                    {"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502
                )
            if fault.kind == "slow":
                await asyncio.sleep(fault.value)
        handler = self._methods().get(method)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: no {method}"},
                status=400,
            )
        refusal = self._refusal(method, params)
        if refusal is not None:
            return refusal
        result = await handler(params)
        if method != "getUpdates":
            self.calls.append(Call(method, params, result))
            self._new_call.set()
        return web.json_response({"ok": True, "result": result})

    async def _chaos(
        self, method: str, params: dict[str, Any], request: web.Request
    ) -> web.Response | None:
        """A random fault on this call, as a flaky network or Bot API gives them:
        `server_error` (502, not carried out), `retry_after` (429), `html_502` (a proxy's page),
        `stall` (carried out after 10 s), `drop_before` (connection closed, not carried out),
        `drop_after` (carried out, then the connection closed before the answer)."""
        rate, kinds = self.chaos.get(method, (0.0, ()))
        if not kinds or self.rng.random() >= rate:
            return None
        kind = self.rng.choice(kinds)
        if kind == "server_error":
            return _error(502, "Bad Gateway")
        if kind == "retry_after":
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests",
                 "parameters": {"retry_after": 1}}, status=429,
            )  # fmt: skip
        if kind == "html_502":
            return web.Response(status=502, text="<html>502</html>", content_type="text/html")
        if kind == "stall":
            await asyncio.sleep(10)
            return None
        if kind == "drop_after":
            handler = self._methods()[method]
            result = await handler(params)
            self.calls.append(Call(method, params, result))
            self._new_call.set()
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    def _refusal(self, method: str, params: dict[str, Any]) -> web.Response | None:
        """Telegram's answers when a call cannot be done: a blocked user, a chat that is not
        a forum, a group the bot is not in."""
        chat_id = int(params.get("chat_id") or 0)
        if method in ("sendMessage", "copyMessage") and chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if method in ("createForumTopic", "closeForumTopic"):
            group = self.groups.get(chat_id)
            if group is None or not group["is_forum"]:
                return _error(400, "Bad Request: the chat is not a forum")
        if method == "getChat" and chat_id < 0 and chat_id not in self.groups:
            return _error(400, "Bad Request: chat not found")
        return None

    # ---- methods ----------------------------------------------------------------------

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[Any]]]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "copyMessage": self._copy_message,
            "getChat": self._get_chat,
            "createForumTopic": self._create_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "close": self._close,
        }

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Migration FAQ",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        # As Telegram does: asking with an offset confirms (and forgets) the updates before it,
        # so a bot restarted on the same server does not see them again.
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        wait = min(float(params.get("timeout") or 0), 1.0)
        pending = [u for u in self.updates if u["update_id"] >= offset]
        if not pending and wait > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
            pending = [u for u in self.updates if u["update_id"] >= offset]
        return pending

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        self._next_message_id += 1
        chat_id = int(params.get("chat_id", 0))
        message: dict[str, Any] = {
            "message_id": params.get("message_id") or self._next_message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Migration FAQ"},
            "text": params.get("text", ""),
        }
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        return message

    async def _copy_message(self, params: dict[str, Any]) -> dict[str, Any]:
        self._next_message_id += 1
        return {"message_id": self._next_message_id}

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = self.groups.get(chat_id) or {"id": chat_id, "type": "private", "first_name": "A"}
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}  # fmt: skip

    async def _create_forum_topic(self, params: dict[str, Any]) -> dict[str, Any]:
        self._next_topic_id += 1
        return {"message_thread_id": self._next_topic_id, "name": params["name"],
                "icon_color": 7322096}  # fmt: skip

    async def _close_forum_topic(self, params: dict[str, Any]) -> bool:
        return True

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params)

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params)

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        return True

    async def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _close(self, params: dict[str, Any]) -> bool:
        return True


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )
