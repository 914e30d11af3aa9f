"""Files in and out: one reader for CSV and XLSX, one problem type, one guard for sizes.

- :mod:`.problems`: :class:`Problem` (printed ``file:line:column: message (hint)``
  everywhere) and :class:`Problems`, which lists the first ones and counts them all.
- :mod:`.limits`: :class:`Limits`, the sizes and ratios a file may have.
- :mod:`.reading`: :func:`read_table` for CSV and XLSX, with the leniency rules
  written once, and :func:`zip_members` for any zip a person uploads.
- :mod:`.writing`: :func:`write_csv` and :func:`write_xlsx`, which never let a
  spreadsheet evaluate a value as a formula.

Every import follows one contract: read and validate the whole file, report every
problem, and write nothing unless there is none. This package knows nothing of
Django's models (``efficacy analyze`` uses it without Django); it translates its
messages when Django is set up.
"""

from __future__ import annotations

from efficacy.tabular.limits import Limits
from efficacy.tabular.problems import Problem, Problems
from efficacy.tabular.reading import Table, read_table, zip_members
from efficacy.tabular.writing import neutralise, write_csv, write_xlsx

__all__ = [
    "Limits",
    "Problem",
    "Problems",
    "Table",
    "neutralise",
    "read_table",
    "write_csv",
    "write_xlsx",
    "zip_members",
]
