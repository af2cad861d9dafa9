"""Channels customers talk to Prima through: the local console chat (Telegram comes next)."""
