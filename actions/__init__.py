"""What the bot does in answer to a customer's turn: pure decisions, no I/O."""
