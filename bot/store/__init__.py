"""What must survive a restart: each user's chosen language and anonymous feedback counts."""

from bot.store.sqlite import MemoryStore, SqliteStore, Store, StoreError

__all__ = ["MemoryStore", "SqliteStore", "Store", "StoreError"]
