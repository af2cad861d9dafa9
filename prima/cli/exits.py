"""The `prima` command's exit codes (beside 0, done)."""

EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_FAILURE = 1
