"""Keeps personal data out of the application log.

Django's own loggers write exception text into the log: a database error
carries the values it refused (``DETAIL: Key (chi_number)=(0101...)``), and a
server error's traceback ends with that text. ``WithoutPersonalData`` keeps
only what names the problem: the exception's class and the view it was in.
"""

import logging

# Loggers whose messages or exceptions may carry values from requests or rows.
WITHHELD = ("django.request", "django.db.backends")


class WithoutPersonalData(logging.Filter):
    """Rewrites records from ``WITHHELD`` loggers to the exception class and view name.

    Attach it to the handlers (for records from child loggers too) and to the
    loggers themselves (so the rewrite happens before any handler sees them,
    including ones added later, such as a test's).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(WITHHELD) or getattr(record, "withheld", False):
            return True
        record.withheld = True  # a record passes the logger's filter, then the handler's
        if record.exc_info and record.exc_info[0] is not None:
            problem = record.exc_info[0].__name__
        else:
            problem = str(getattr(record, "status_code", "") or "message")
        record.msg = "%s in %s (details withheld: they may hold personal data)"
        record.args = (problem, _view_name(record))
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def _view_name(record: logging.LogRecord) -> str:
    request = getattr(record, "request", None)
    match = getattr(request, "resolver_match", None)
    return (match and match.view_name) or "no view"
