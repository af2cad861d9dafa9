"""The customer conversation: what the bot decides in answer to each turn (`decide`, pure, no
I/O), the prompts it answers with, and what it reads from customers' messages (extraction)."""
