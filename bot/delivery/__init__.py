"""Getting messages in and out: the inbox, the outbox, its drain, the one Telegram sender and its error policy."""
