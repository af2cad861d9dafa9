"""The Rasa NLU project (config, data, held-out tests) and the app's client for its server."""
