"""Names as people and file systems see them: one comparison, one escape, one refusal.

* ``name_key`` is how two names are compared for "the same file": after Unicode
  normalisation (NFC) and case folding, so ``café.md`` written with a precomposed ``é``
  and with ``e`` + a combining accent are one name, as they are on macOS, and ``Guide.md``
  and ``guide.md`` are one name, as on Windows and macOS.
* ``shown`` is how a name (or any text from a file name or the wiki) is printed:
  control characters, bidirectional overrides and zero-width characters become visible
  escapes (``\\x1b``, ``\\u202e``), so a name cannot reorder, hide or recolour what a
  terminal or log shows around it.
* ``unsafe_name_character`` says why a file name must be refused: one of those
  invisible characters in it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "has_surrogate",
    "json_visible",
    "name_key",
    "shown",
    "shown_lines",
    "spelled",
    "unsafe_name_character",
]

# C0 and C1 controls, DEL; bidi embeddings, overrides and isolates; zero-width and other
# invisible format characters (ZWSP, ZWNJ, ZWJ, word joiner, invisible operators, BOM,
# soft hyphen, Mongolian vowel separator, the LRM/RLM/ALM marks).
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)

_INVISIBLE_NOT_C0 = re.compile(
    "[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(value: object) -> bool:
    """Whether a text (or a list or mapping of them) holds an unpaired surrogate, which a
    YAML ``"\\ud800"`` escape can make but no UTF-8 file, request or terminal can carry."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(has_surrogate(item) for item in value)
    if isinstance(value, dict):
        return any(has_surrogate(k) or has_surrogate(v) for k, v in value.items())
    return False


def name_key(name: str) -> str:
    """The form two names are compared in: NFC, case-folded, NFC again."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` with control, bidi and zero-width characters as visible escapes."""
    return _INVISIBLE.sub(_escape, text)


def json_visible(document: str) -> str:
    """A JSON text with those characters as ``\\uXXXX`` escapes: the same data once
    parsed, but nothing invisible when the text itself is printed."""
    # json.dumps already escapes C0 controls inside strings; outside them, only the
    # formatting whitespace is left, which must stay as it is.
    return _INVISIBLE_NOT_C0.sub(lambda m: f"\\u{ord(m.group(0)):04x}", document)


def shown_lines(text: str) -> str:
    """``shown`` for each line of ``text``; the line breaks (LF, CR) are kept."""
    return "".join(
        part if part in ("\n", "\r") else shown(part) for part in re.split(r"(\r|\n)", text)
    )


def unsafe_name_character(name: str) -> str | None:
    """Why ``name`` cannot be a file wikisync reads, or ``None`` when it is fine."""
    match = _INVISIBLE.search(name)
    if match is None:
        return None
    char = match.group(0)
    category = unicodedata.category(char)
    label = unicodedata.name(char, "")
    if category == "Cc":
        kind = "a control character"
    elif char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        kind = "a bidirectional-text control"
    else:
        kind = "an invisible (zero-width) character"
    described = f"{_escape(match)}{f' {label}' if label else ''}"
    return f"its name contains {kind} ({described}); rename the file"


def spelled(name: str) -> str:
    """``name`` with combining marks as escapes when it is not in NFC, so two spellings
    of one name look different in a message (``cafe\\u0301.md`` next to ``café.md``)."""
    if unicodedata.is_normalized("NFC", name):
        return name
    return "".join(f"\\u{ord(c):04x}" if unicodedata.combining(c) else c for c in name)
