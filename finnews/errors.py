"""The command line's own error: what it reports in one line, without a traceback."""

from __future__ import annotations


class UserError(Exception):
    """An error to report in one line, without a traceback (exit status 2)."""
