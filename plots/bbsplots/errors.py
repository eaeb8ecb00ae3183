"""The two ways a plot run fails, each with its process exit code, and warnings."""
import sys

PREFIX = "bbs-dse plot: "


class PlotError(Exception):
    """A failure reported as one line `bbs-dse plot: MESSAGE` on stderr."""

    exit_code = 1


class BadInput(PlotError):
    """The database file or the campaign named on the command line is unusable, or the output
    cannot be written."""

    exit_code = 2


class MissingData(PlotError):
    """The database is fine but lacks the data a figure needs (the message says what makes it)."""

    exit_code = 3


def warn(message: str) -> None:
    """One line on stderr: what a figure leaves out and why."""
    print(f"{PREFIX}{message}", file=sys.stderr, flush=True)
