"""A small HTTP server for operators: `/healthz` (JSON, 200 or 503) and `/metrics`
(Prometheus). It runs on `BOT_METRICS_PORT` in the bot's own event loop, with tornado (which
python-telegram-bot's webhook support already brings)."""

from __future__ import annotations

import json
import logging

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.metrics import CONTENT_TYPE_LATEST, Health, Metrics

log = logging.getLogger(__name__)


class _Healthz(tornado.web.RequestHandler):
    def initialize(self, health: Health) -> None:
        self.health = health

    def get(self) -> None:
        ok, report = self.health.check()
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(report))


class _Metrics(tornado.web.RequestHandler):
    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(self.metrics.exposition())


Routes = list[tuple[str, type[tornado.web.RequestHandler], dict[str, object]]]


def routes(metrics: Metrics, health: Health) -> Routes:
    """/healthz and /metrics, for this server and for the webhook's (delivery.py)."""
    return [
        (r"/healthz", _Healthz, {"health": health}),
        (r"/metrics", _Metrics, {"metrics": metrics}),
    ]


class MonitorServer:
    def __init__(self, metrics: Metrics, health: Health, listen: str, port: int) -> None:
        self.listen, self.port = listen, port
        app = tornado.web.Application(
            routes(metrics, health),
            # Requests are not logged: tornado's access log would hold client addresses.
            log_function=lambda handler: None,
        )
        self._server = tornado.httpserver.HTTPServer(app)

    async def start(self) -> None:
        """Listen (call from the running event loop). Port 0 picks a free port."""
        sockets = tornado.netutil.bind_sockets(self.port, self.listen)
        self.port = int(sockets[0].getsockname()[1])
        self._server.add_sockets(sockets)
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.listen,
                 self.port)  # fmt: skip

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()
