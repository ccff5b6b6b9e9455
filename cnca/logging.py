"""Logging helpers referenced from settings.LOGGING."""

import logging


class OneLineFormatter(logging.Formatter):
    """The message on one line, without the traceback attached to the record.

    For events that are expected noise on the open internet (a request with a
    Host header that is not ours): worth a line, never a stack trace at ERROR.
    """

    def format(self, record):
        record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return super().format(record)
