"""Static files as ``efficacy serve`` serves them: hashed names, compressed once, cached a year.

WhiteNoise's storage gives each collected file a name holding a hash of its content
(``app.3f2a9c1b.css``), which it serves with ``Cache-Control: max-age=315360000, public,
immutable``, and writes gzip and brotli copies it serves to browsers that ask for them.
Two changes keep a start quick (the files are collected at every ``efficacy serve``):

* a hashed file whose compressed copies are already there is not compressed again: its
  name says its content has not changed;
* brotli at its best quality takes seconds a megabyte: files over 256 KB (the API
  documentation's bundled scripts) get gzip only.

Only hashed files are kept (``WHITENOISE_KEEP_ONLY_HASHED_FILES``): a page never links
another name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

#: Larger files are compressed with gzip only.
BROTLI_MAX_BYTES = 256 * 1024


class SizedCompressor(Compressor):
    """Brotli and gzip for files up to :data:`BROTLI_MAX_BYTES`, gzip only above."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._gzip_only = Compressor(**{**kwargs, "use_brotli": False})

    def compress(self, path: str) -> list[str]:
        if os.path.getsize(path) > BROTLI_MAX_BYTES:
            return self._gzip_only.compress(path)
        return super().compress(path)


class CollectedStaticFiles(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return SizedCompressor(**kwargs)

    def compress_files(self, paths: Any) -> Iterator[tuple[str, str]]:
        fresh = [
            path
            for path in paths
            if not any(os.path.exists(self.path(path) + suffix) for suffix in (".gz", ".br"))
        ]
        yield from super().compress_files(fresh)
