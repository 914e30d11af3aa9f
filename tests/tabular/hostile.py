"""Hostile files built in code, each small on disk: zip bombs, encrypted, damaged and
wrongly sized zip members, workbooks with crafted cells or dimensions."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    """The zip with some members' contents replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = change.get(info.filename, source.read(info.filename))
            new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            new.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(new, body)
    return out.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def xlsx_bomb(rows: list[list], expand_to: int = 30 * 1024 * 1024) -> bytes:
    """A real workbook whose sheet expands to ``expand_to`` bytes of comment (~30 KB zipped)."""
    data = workbook(rows)
    xml = sheet_xml(data)
    padded = xml.replace(b"<sheetData>", b"<!--" + b" " * expand_to + b"--><sheetData>", 1)
    return rezip(data, {"xl/worksheets/sheet1.xml": padded})


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def with_encrypted_flag(data: bytes, member: str) -> bytes:
    """The zip, with ``member`` flagged as encrypted (as a password-protected file is)."""
    return _patch_headers(
        data, member, lambda raw, at, local: _set_flag(raw, at + (6 if local else 8))
    )


def _set_flag(raw: bytearray, offset: int) -> None:
    (flags,) = struct.unpack_from("<H", raw, offset)
    struct.pack_into("<H", raw, offset, flags | 0x1)


def with_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The zip, with ``member``'s uncompressed size falsely declared as ``size``."""
    return _patch_headers(
        data,
        member,
        lambda raw, at, local: struct.pack_into("<I", raw, at + (22 if local else 24), size),
    )


def _patch_headers(data: bytes, member: str, patch) -> bytes:
    """Apply ``patch(raw, header offset, is_local)`` to the member's local and central headers."""
    raw = bytearray(data)
    name = member.encode()
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):
        local = signature == b"PK\x03\x04"
        start = 0
        while (start := raw.find(signature, start)) != -1:
            (name_length,) = struct.unpack_from("<H", raw, start + (26 if local else 28))
            header = 30 if local else 46
            if bytes(raw[start + header : start + header + name_length]) == name:
                patch(raw, start, local)
            start += 4
    return bytes(raw)


def with_damaged_member(data: bytes, member: str) -> bytes:
    """The zip, with bytes in the middle of ``member``'s compressed data flipped."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    raw = bytearray(data)
    (name_length, extra_length) = struct.unpack_from("<HH", raw, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    middle = start + info.compress_size // 2
    for i in range(middle, middle + 8):
        raw[i] ^= 0xFF
    return bytes(raw)


def deflated_size(body: bytes) -> int:
    return len(zlib.compress(body))
