"""What the command lines (``efficacy analyze``, ``schedule-rounds``, ``instrument``) share
when they read their arguments: an argument that cannot be read is one line and exit
status 2, never argparse's usage block."""

from __future__ import annotations

import argparse


class ArgumentError(Exception):
    """An argument that cannot be read; the message names it and where the help is."""


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors raise :attr:`error_class` instead of exiting."""

    error_class: type[Exception] = ArgumentError

    def error(self, message: str) -> None:  # type: ignore[override]
        raise self.error_class(f"{message} (see '{self.prog} --help')")
