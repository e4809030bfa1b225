"""A real SMTP server on loopback for tests and the demo (``aiosmtpd``, in the running event loop).

    async with MailServer() as mail:                   # listens on 127.0.0.1, a free port
        async with Harness(email=mail.settings()) as h:  # the bot's [email] section points at it
            ...
            [message] = mail.messages                  # email.message.EmailMessage, as received
            mail.text(message), mail.html(message)     # the plain-text and HTML parts
        await mail.stop()                              # "the server is down": connections are refused
        await mail.start()                             # back up, on the same port

Nothing is mocked: the bot's mailer connects over TCP and speaks SMTP; the messages are what arrived.
"""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"


class MailServer:
    """An SMTP server that keeps every message it receives (see the module docstring)."""

    def __init__(self, port: int = 0, login: tuple[str, str] | None = None) -> None:
        self.port = port
        self.login = login
        """When set, the server offers AUTH (without TLS, on loopback only) and takes this user and password."""
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: set[str] = set()
        """Addresses the server refuses (550), as for a mailbox that does not exist."""
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Listen (on the same port as before, after a ``stop``)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._protocol, HOST, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    def _protocol(self) -> SMTP:
        if self.login is None:
            return SMTP(self, hostname="mail.test")
        return SMTP(self, hostname="mail.test", authenticator=self._authenticate, auth_require_tls=False)

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                      auth_data: object) -> AuthResult:
        ok = (self.login is not None and isinstance(auth_data, LoginPassword)
              and (auth_data.login.decode(), auth_data.password.decode()) == self.login)
        return AuthResult(success=ok, handled=False)

    async def stop(self) -> None:
        """Stop listening: from now on connections are refused, as when a mail server is down."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> MailServer:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """An ``[email]`` config section pointing at this server (plain SMTP on loopback, with its login)."""
        login = {"username": self.login[0], "password": self.login[1]} if self.login else {}
        return {"host": HOST, "port": self.port, "security": "none", "from_addr": "digests@riverside.example",
                **login, **overrides}

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        """aiosmtpd's hook: take the recipient unless it is one of ``refused``."""
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        """aiosmtpd's hook: keep the message as received."""
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((str(envelope.mail_from), [str(to) for to in envelope.rcpt_tos]))
        return "250 OK"

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The plain-text part."""
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "no plain-text part"
        return str(part.get_content())

    @staticmethod
    def html(message: EmailMessage) -> str:
        """The HTML part."""
        part = message.get_body(preferencelist=("html",))
        assert part is not None, "no HTML part"
        return str(part.get_content())
