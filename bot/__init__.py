"""checkin-bot: a Telegram check-in bot for social prescribing services."""

import os

# Opt in to python-telegram-bot's coming behaviour (durations such as RetryAfter.retry_after as timedelta),
# so a 429 does not raise a deprecation warning inside the library.
os.environ.setdefault("PTB_TIMEDELTA", "1")
