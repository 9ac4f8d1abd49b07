"""Local stand-in for the platform SDK's SiemplifyLogger (dev/test only, never packaged)."""

import logging


class SiemplifyLogger:
    """Writes log lines into the run's captured output (the result's DebugOutput).

    Each action gets its own unregistered logging.Logger, so repeated in-process runs
    never share or accumulate handlers, and nothing propagates to the root logger.
    """

    def __init__(self, stream, name="SiemplifyAction"):
        self._logger = logging.Logger(name, logging.DEBUG)
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)s | %(message)s"))
        self._logger.addHandler(handler)

    def debug(self, msg, *args, **kwargs):
        self._logger.debug(msg, *args, **kwargs)

    def info(self, msg, *args, **kwargs):
        self._logger.info(msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        self._logger.warning(msg, *args, **kwargs)

    warn = warning

    def error(self, msg, *args, **kwargs):
        self._logger.error(msg, *args, **kwargs)

    def critical(self, msg, *args, **kwargs):
        self._logger.critical(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        if isinstance(msg, BaseException):
            # Scripts pass the exception itself; log its own traceback even outside `except`.
            kwargs.setdefault("exc_info", (type(msg), msg, msg.__traceback__))
        else:
            kwargs.setdefault("exc_info", True)
        self._logger.error(msg, *args, **kwargs)
