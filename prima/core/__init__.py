"""The shared pure vocabulary: complaint kinds, the conversation's data, replies, cases, turns,
wording, and the ports (`ports.py`) every adapter implements. Free of I/O; it imports no other
project package (an import-linter contract in `make lint`)."""
