"""Channels: the ways users reach the dialog (Telegram, a terminal)."""
