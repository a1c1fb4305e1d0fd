"""What must survive a restart: each user's chosen language, anonymous feedback counts and
the tickets of the hand-off to a person."""

from bot.store.sqlite import BotStore, MemoryStore, SqliteStore, Store, StoreError
from bot.store.tickets import Ticket, TicketStore

__all__ = ["BotStore", "MemoryStore", "SqliteStore", "Store", "StoreError", "Ticket", "TicketStore"]
