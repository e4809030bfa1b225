"""A Telegram Bot API emulator ("the sandbox") on Starlette + uvicorn.

``server.RunningSandbox`` runs it inside the current event loop (tests, demo), ``server.serve`` as a
process (``checkin-bot sandbox --port N``); ``client.SandboxClient`` drives its control side. The bot
side speaks Telegram's wire format at ``/bot<token>/<method>``; see docs/design.md section 8.4.
"""
