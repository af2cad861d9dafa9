"""Telegram's side of a conversation, faked on loopback, for the benchmarks and the tests.

`telegram.FakeTelegram` is the Bot API the bot talks to (it hands out updates and records
what the bot sends); `instances` starts real `prima run --webhook` processes and plays
Telegram posting updates to their webhooks. Both live here, not under `tests`, because the
benchmarks use them and nothing outside `tests` may import `tests`.
"""
