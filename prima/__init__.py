"""Prima: a Telegram customer-service bot for complaint handling (Pelayanan Prima)."""

__version__ = "0.1.0"
