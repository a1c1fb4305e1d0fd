"""What must survive a restart: each user's chosen language, anonymous feedback counts, the
tickets of the hand-off to a person, the maintainers' counts and the questions users chose to
send. SQLite is the embedded default; PostgreSQL serves more than one replica."""

from bot.store.base import BotStore, Store, StoreError
from bot.store.memory import MemoryStore
from bot.store.sqlite import SqliteStore
from bot.store.tickets import Ticket, TicketStore

__all__ = ["BotStore", "MemoryStore", "SqliteStore", "Store", "StoreError", "Ticket", "TicketStore"]
