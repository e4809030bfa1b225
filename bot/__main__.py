"""``python -m bot`` is the same as the ``checkin-bot`` command."""

from bot.cli import main

raise SystemExit(main())
