"""Log records carry the request id so a log line can be matched with its audit entry."""

import logging

from pharos.core import context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id
        return True
