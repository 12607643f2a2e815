"""Zip archives sources come in (KMZ, XLSX, data packages): what they unzip to is held to
a size limit, as a plain file is, and a damaged archive is a SourceFormatError.

zipfile inflates a member only up to the size its header declares (more fails the CRC
check), so comparing the declared sizes with the limit before reading stops a zip bomb
without inflating it.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from importers.readers.record import SourceFormatError

# What zipfile raises on a damaged or unusual archive besides BadZipFile: a truncated or
# corrupt stream (zlib.error, EOFError), a header pointing before the start of the file
# (OSError), an encrypted member (RuntimeError), an unsupported compression method
# (NotImplementedError), a member name flagged UTF-8 that is not (UnicodeDecodeError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    UnicodeDecodeError,
)


def open_zip(path: Path, what: str = "zip file") -> zipfile.ZipFile:
    """The archive at `path`, or SourceFormatError saying it is not a readable `what`."""
    try:
        return zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise SourceFormatError(f"{path.name}: the file is not a readable {what}.") from exc


def check_unzipped_size(name: str, members: Iterable[zipfile.ZipInfo], limit: int) -> None:
    """Raise SourceFormatError if these members unzip to more than `limit` bytes in all."""
    members = list(members)
    total = sum(member.file_size for member in members)
    if total > limit:
        what = f"{members[0].filename} unzips" if len(members) == 1 else "its contents unzip"
        raise SourceFormatError(
            f"{name}: {what} to {total:,} bytes, over the {limit:,}-byte limit."
        )


@contextmanager
def reading_archive(name: str) -> Iterator[None]:
    """Turn an error met while unzipping into SourceFormatError naming the file."""
    try:
        yield
    except ZIP_ERRORS as exc:
        raise SourceFormatError(f"{name}: the archive is damaged ({exc}).") from exc
