"""Telegram channel: python-telegram-bot wiring and rendering only."""
