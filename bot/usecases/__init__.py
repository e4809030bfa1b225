"""Use cases: one module per thing people do. Each takes a unit of work (database session, clock, content),
changes state and queues what must be sent in the same transaction. None imports Telegram."""
