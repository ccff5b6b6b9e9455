"""The mail connection: opening and keeping sessions, building messages, sorting errors.

``EmailBackend`` is Django's SMTP backend that also remembers which recipients
the server refused when it accepted others (Django drops that answer).
"""

import contextlib
import email.policy
import smtplib
import threading
import time

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends import smtp
from django.core.validators import validate_email

from .conf import conf

ACCEPTED = "250 accepted"


class TransientError(Exception):
    """Worth trying again later (the server or the network had a bad moment)."""


class PermanentError(Exception):
    """Trying again cannot help (the server refused the message or an address)."""


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, keeping the server's refusals of single recipients.

    After ``send_messages`` of one message, ``refused`` maps each refused
    address to ``(code, reply)``; the others were accepted.
    """

    refused = None

    def _send(self, email_message):
        self.refused = {}
        if not email_message.recipients():
            return False
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(addr) for addr in email_message.recipients()]
        message = email_message.message(policy=email.policy.SMTP)
        # sendmail raises when every recipient is refused; when only some are,
        # it returns them and sends to the rest.
        self.refused = self.connection.sendmail(from_email, recipients, message.as_bytes()) or {}
        return True


def classify(error):
    """Sort a sending exception into :class:`TransientError` or :class:`PermanentError`."""
    if isinstance(error, (TransientError, PermanentError)):
        return error
    message = f"{type(error).__name__}: {error}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = "; ".join(
            f"{address}: {code} {text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        message = f"Recipients refused: {detail}"
        if codes and all(code >= 500 for code in codes):
            return PermanentError(message)
        return TransientError(message)
    if isinstance(error, smtplib.SMTPResponseException):
        message = f"{type(error).__name__}: {error.smtp_code} {text(error.smtp_error)}"
        if 500 <= error.smtp_code < 600:
            return PermanentError(message)
        return TransientError(message)
    if isinstance(error, (smtplib.SMTPServerDisconnected, OSError)):
        # Connection refused or reset, DNS failure, timeout.
        return TransientError(message)
    if isinstance(error, (ValidationError, ValueError, UnicodeError)):
        # An address or header the message cannot carry.
        return PermanentError(message)
    # Anything else is a surprise; try again, a bounded number of times.
    return TransientError(message)


def text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def build_message(row):
    """The EmailMultiAlternatives for ``row``, carrying its stored Message-ID."""
    recipients = row.recipients
    if not recipients:
        raise PermanentError("The email has no recipient.")
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError:
            raise PermanentError(f"Invalid recipient address: {address!r}") from None
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={**row.headers, "Message-ID": row.message_id},
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    return message


def send(message, connection):
    """Send ``message``; return the server's reply per recipient (``{address: reply}``)."""
    connection.open()  # no-op when the session is open already
    connection.send_messages([message])
    refused = getattr(connection, "refused", None) or {}
    return {
        address: (
            f"{refused[address][0]} {text(refused[address][1])}" if address in refused else ACCEPTED
        )
        for address in message.to
    }


def new_connection():
    return mail.mailers[conf.MAILER]


def close_quietly(connection):
    with contextlib.suppress(Exception):
        connection.close()


def abort(connection):
    """Drop the session without QUIT: after an interrupted send the server may
    never answer one, and a polite close would wait out the socket timeout."""
    session = getattr(connection, "connection", None)
    if session is not None:
        with contextlib.suppress(Exception):
            session.close()
        connection.connection = None


_kept = threading.local()


def kept_connection():
    """A mail connection this process keeps open from one task to the next.

    Opening an SMTP session (TCP, EHLO, perhaps TLS and AUTH) costs more than
    sending one email over it; a worker reuses its session. One idle for
    NOTIFICATIONS_SMTP_KEEPALIVE seconds is closed first, as servers drop idle
    sessions.
    """
    now = time.monotonic()
    connection = getattr(_kept, "connection", None)
    if connection is not None and now - _kept.used > conf.SMTP_KEEPALIVE:
        close_quietly(connection)
    if connection is None:
        connection = _kept.connection = new_connection()
    _kept.used = now
    return connection
