"""Types of the API's parameters."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

#: The largest id a database column holds (a 64-bit integer): a larger number in a path
#: or a filter is a 422 problem, never a database error.
MAX_ID = 2**63 - 1

#: An object's id, in a path or a filter.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
