"""Reading what someone else may have written, within bounds.

Everything wikisync reads back from the wiki (state files, lock files, menus, times) may
have been written by a person or a program other than wikisync. These helpers read it
with every size fixed in advance, so that a hostile file costs a bounded amount of time
and memory and ends in a ``Refused`` (a ``ValueError`` with a message that says what is
wrong), never in a traceback:

* ``bounded_json``: JSON of at most ``limit`` bytes, nested at most ``depth`` levels
  (counted before parsing, without recursion), integers of at most 19 digits, and no
  ``NaN``, ``Infinity`` or fractional numbers;
* ``inflate``: gzip inflated in steps, stopped as soon as the output passes ``limit``;
* ``aware_time``: an ISO 8601 time with a time zone (``Z`` or an offset); a time without
  one is refused, never guessed.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime
from typing import Any, NoReturn

__all__ = ["Refused", "aware_time", "bounded_int", "bounded_json", "bounded_text", "inflate"]

_INT_DIGITS = 19
_STEP = 1 << 20
# A JSON string (skipped as a whole) or one bracket: the nesting is counted over these.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})\Z")


class Refused(ValueError):
    """A value read from the wiki is out of bounds or malformed."""


def _refuse(message: str) -> NoReturn:
    raise Refused(message)


def _depth(text: str) -> int:
    deepest = depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > _INT_DIGITS:
        _refuse(f"a number of {len(digits)} digits")
    return int(text)


def _no_float(text: str) -> NoReturn:
    _refuse(f"a fractional number ({text[:20]})")


def _no_constant(text: str) -> NoReturn:
    _refuse(f"{text} is not a number")


def bounded_json(data: bytes | str, *, limit: int, depth: int) -> Any:
    """Parse JSON of at most ``limit`` bytes (characters for ``str``) nested at most
    ``depth`` levels; ``Refused`` otherwise."""
    if len(data) > limit:
        _refuse(f"{len(data)} bytes, more than the {limit} allowed")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            _refuse("not UTF-8")
    else:
        text = data
    nested = _depth(text)
    if nested > depth:
        _refuse(f"nested {nested} levels deep, more than {depth}")
    try:
        return json.loads(text, parse_int=_int, parse_float=_no_float, parse_constant=_no_constant)
    except Refused:
        raise
    except (ValueError, RecursionError) as exc:
        _refuse(f"not valid JSON ({getattr(exc, 'msg', type(exc).__name__)})")


def inflate(data: bytes, *, limit: int) -> bytes:
    """Inflate one gzip member, stopping as soon as more than ``limit`` bytes come out."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = data
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, _STEP)
            pending = inflater.unconsumed_tail
            out += chunk
            if len(out) > limit:
                _refuse(f"inflates to more than {limit} bytes")
            if not chunk and not pending:
                _refuse("the gzip data is cut short")
    except zlib.error as exc:
        _refuse(f"not gzip data ({exc})")
    if inflater.unused_data:
        _refuse("data after the end of the gzip stream")
    return bytes(out)


def bounded_int(value: object, low: int, high: int, what: str) -> int:
    """``value`` when it is a whole number (not a boolean) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        _refuse(f"{what} is not a whole number")
    if not low <= value <= high:
        _refuse(f"{what} is out of range ({str(value)[:24]})")
    return value


def bounded_text(value: object, limit: int, what: str) -> str:
    """``value`` when it is a string of at most ``limit`` characters."""
    if not isinstance(value, str):
        _refuse(f"{what} is not a string")
    if len(value) > limit:
        _refuse(f"{what} is longer than {limit} characters")
    return value


def aware_time(value: object) -> datetime | None:
    """An ISO 8601 time with a time zone as an aware ``datetime``; ``None`` for anything
    else (no time zone, not a time, out of range)."""
    if not isinstance(value, str) or len(value) > 64 or not _ISO.match(value.strip()):
        return None
    text = value.strip()
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and parsed.utcoffset() is not None else None
