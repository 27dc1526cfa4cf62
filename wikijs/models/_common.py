"""Shared model pieces: the base model, the ``UNSET`` sentinel, ``BatchResult``, ``Identity``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

if TYPE_CHECKING:
    from wikijs._errors import WikiJSError

__all__ = ["UNSET", "BatchResult", "Identity", "UnsetType", "WikiModel", "parse_datetime"]

T = TypeVar("T")


class UnsetType:
    """The type of ``UNSET``: "this argument was not given" (``None`` may be a value)."""

    _instance: UnsetType | None = None

    def __new__(cls) -> UnsetType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNSET"


#: Default of every optional argument of ``pages.update``: the field keeps its current value.
UNSET: Final = UnsetType()


class WikiModel(BaseModel):
    """Base of the response models: frozen, snake_case attributes, camelCase aliases.

    Unknown fields in an answer are ignored, so a newer server does not break parsing.
    """

    model_config = ConfigDict(
        frozen=True,
        populate_by_name=True,
        alias_generator=to_camel,
        extra="ignore",
    )


def parse_datetime(value: str) -> datetime:
    """Parse the server's ISO 8601 timestamps (``2026-11-26T05:05:14.967Z``) as aware UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


class Identity(WikiModel):
    """Who the client is authenticated as (``users.profile``)."""

    id: int
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class BatchResult(Generic[T]):
    """The outcome of one item of a batch call: a value or an error, never both.

    ``key`` is what the item was asked for (the page id, or the input model).
    """

    key: Any
    value: T | None = None
    error: WikiJSError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> T:
        """Return the value, or raise the item's error."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]
