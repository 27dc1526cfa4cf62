"""Request processing: Wiki.js's Express middleware and Apollo Server 2's HTTP pipeline.

``classify`` runs in the HTTP thread (parsing JSON and GraphQL documents, which
needs no state); ``Engine.handle`` runs on the engine's event loop, the only thread
that touches the wiki's state, in the order the real server does things:
authentication, body checks, then each GraphQL request.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from graphql import execute

from wikijs.testing import _assets
from wikijs.testing._errors import EmulatedError, body_parser_error
from wikijs.testing._graphql import (
    OperationInfo,
    Prepared,
    WikiExecutor,
    check_variables,
    format_error,
    operation_kind,
    prepare,
    schema,
)
from wikijs.testing._resolvers import RequestContext
from wikijs.testing._timing import CostModel, RaceModel
from wikijs.testing._wiki import Wiki, parse_iso

logger = logging.getLogger("wikijs.testing")

JSON_BODY_LIMIT = 5 * 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
POST_BODY_MISSING = "POST body missing. Did you forget use body-parser middleware?"


@dataclass
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    client_ip: str

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def cookie(self, name: str) -> str | None:
        raw = self.header("cookie")
        if not raw:
            return None
        for part in raw.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Entry:
    """One GraphQL request (an element of a batch, or the whole body)."""

    raw: Any
    query: Any = None
    variables: Any = None
    operation_name: str | None = None
    prepared: Prepared | None = None
    variables_invalid: bool = False

    @property
    def operation(self) -> OperationInfo | None:
        if self.prepared is None or self.prepared.document is None:
            return None
        return self.prepared.operation(self.operation_name)


@dataclass
class Classified:
    route: str  # graphql | upload | download | health | other
    kind: str
    operations: tuple[str, ...] = ()
    is_get: bool = False
    batch: bool = False
    missing_body: bool = False
    too_large: bool = False
    json_error: str | None = None
    entries: list[Entry] = field(default_factory=list)


def classify(request: HttpRequest) -> Classified:
    path = request.path
    method = request.method
    if path == "/graphql" and method in ("GET", "POST"):
        return _classify_graphql(request)
    if path == "/u" and method == "POST":
        return Classified("upload", "upload", ("assets.upload",))
    if path == "/healthz" and method in ("GET", "HEAD"):
        return Classified("health", "other")
    if method in ("GET", "HEAD") and path not in ("/", "/graphql"):
        return Classified("download", "download", ("assets.download",))
    return Classified("other", "other")


def _entry(raw: Any) -> Entry:
    entry = Entry(raw)
    if isinstance(raw, dict):
        entry.query = raw.get("query")
        entry.variables = raw.get("variables")
        name = raw.get("operationName")
        entry.operation_name = name if isinstance(name, str) else None
        if isinstance(entry.variables, str) and entry.variables:
            try:
                entry.variables = json.loads(entry.variables)
            except json.JSONDecodeError:
                entry.variables_invalid = True
        if isinstance(entry.query, str) and entry.query.strip():
            entry.prepared = prepare(entry.query)
    return entry


def _classify_graphql(request: HttpRequest) -> Classified:
    out = Classified("graphql", "query", is_get=request.method == "GET")
    if out.is_get:
        params = parse_qs(urlsplit(request.target).query, keep_blank_values=True)
        raw = {key: values[0] for key, values in params.items()}
        out.entries = [_entry(raw)]
    else:
        if len(request.body) > JSON_BODY_LIMIT:
            out.too_large = True
            return out
        content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
        is_json = content_type == "application/json" or content_type.endswith("+json")
        text = request.body.decode("utf-8", errors="replace") if is_json else ""
        if not is_json or not text.strip():
            out.missing_body = True
            return out
        out.json_error = body_parser_error(text)
        if out.json_error:
            return out
        payload = json.loads(text)
        if isinstance(payload, list):
            out.batch = True
            out.entries = [_entry(item) for item in payload]
        elif not payload:
            out.missing_body = True
            return out
        else:
            out.entries = [_entry(payload)]
    names: list[str] = []
    for entry in out.entries:
        op = entry.operation
        if op is not None:
            names.extend(op.names)
            if operation_kind(op) == "mutation":
                out.kind = "mutation"
    out.operations = tuple(names)
    return out


# -- responses ---------------------------------------------------------------------------


def dump_json(value: Any) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: escape like JSON.stringify does
        return json.dumps(value, separators=(",", ":")).encode("ascii")


def etag(body: bytes) -> str:
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode("ascii")[:27]
    return f'W/"{len(body):x}-{digest}"'


def json_response(
    status: int, value: Any, headers: list[tuple[str, str]] | None = None
) -> HttpResponse:
    body = dump_json(value)
    return HttpResponse(status, body, JSON_TYPE, [("ETag", etag(body)), *(headers or [])])


def text_response(
    status: int, text: str, headers: list[tuple[str, str]] | None = None
) -> HttpResponse:
    body = text.encode("utf-8")
    return HttpResponse(status, body, HTML_TYPE, [("ETag", etag(body)), *(headers or [])])


def express_error(status: int, message: str) -> HttpResponse:
    """Wiki.js's error handler for failures before GraphQL runs (413, bad JSON, keys)."""
    return json_response(status, {"data": {}, "errors": [{"message": message, "path": []}]})


# -- the engine ----------------------------------------------------------------------------


@dataclass
class _Answer:
    status: int
    value: Any
    text: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)


class Engine:
    """Runs requests against one ``Wiki`` (on the event loop thread only)."""

    def __init__(self, wiki: Wiki, costs: CostModel, race: RaceModel) -> None:
        self.wiki = wiki
        self.costs = costs
        self.race = race

    async def handle(self, classified: Classified, request: HttpRequest) -> HttpResponse:
        route = classified.route
        if route == "graphql":
            return await self._graphql(classified, request)
        if route == "upload":
            return await self._upload(request)
        if route == "download":
            return self._download(request)
        if route == "health":
            return json_response(200, {"ok": True})
        return text_response(404, "Not Found")

    # -- GraphQL ---------------------------------------------------------------------
    async def _graphql(self, c: Classified, request: HttpRequest) -> HttpResponse:
        wiki = self.wiki
        content_type = request.header("content-type")
        auth = wiki.authenticate(
            request.header("authorization"), request.cookie("jwt"), content_type
        )
        if auth.error is not None or auth.principal is None:
            return express_error(500, auth.error or "Unauthorized")
        if c.too_large:
            return express_error(413, "request entity too large")
        if c.json_error:
            return express_error(400, c.json_error)
        if c.missing_body:
            return text_response(500, POST_BODY_MISSING)
        ctx = RequestContext(wiki, auth.principal, request.client_ip, self.costs, self.race)
        if c.batch:
            answers = await asyncio.gather(*(self._one(e, ctx, False) for e in c.entries))
            value: Any = [
                a.value if not a.text else {"errors": [{"message": a.value}]} for a in answers
            ]
            answer = _Answer(200, value)
        else:
            answer = await self._one(c.entries[0], ctx, c.is_get)
        headers = [*auth.headers, *ctx.response_headers, *answer.headers]
        if answer.text:
            return text_response(answer.status, answer.value, headers)
        return json_response(answer.status, answer.value, headers)

    async def _one(self, entry: Entry, ctx: RequestContext, is_get: bool) -> _Answer:
        if not isinstance(entry.raw, dict):
            return _Answer(400, "GraphQL queries must be strings.", text=True)
        if entry.variables_invalid:
            return _Answer(400, "Variables are invalid JSON.", text=True)
        if entry.query is not None and not isinstance(entry.query, str):
            return _Answer(400, "GraphQL queries must be strings.", text=True)
        prepared = entry.prepared
        if prepared is None:
            return _request_error("Must provide query string.")
        if prepared.syntax_error is not None:
            error = format_error(prepared.syntax_error, "GRAPHQL_PARSE_FAILED")
            return _Answer(400, {"errors": [error]})
        gql = schema()
        if prepared.validation_errors:
            errors = [
                format_error(e, "GRAPHQL_VALIDATION_FAILED", gql)
                for e in prepared.validation_errors
            ]
            return _Answer(400, {"errors": errors})
        operation = prepared.operation(entry.operation_name)
        if operation is None:
            if entry.operation_name:
                return _request_error(f'Unknown operation named "{entry.operation_name}".')
            if not prepared.operations:
                return _request_error("Must provide an operation.")
            return _request_error(
                "Must provide operation name if query contains multiple operations."
            )
        if is_get and operation_kind(operation) != "query":
            return _Answer(
                405, "GET supports only query operation", text=True, headers=[("Allow", "POST")]
            )
        variables = entry.variables if entry.variables is not None else {}
        if not isinstance(variables, dict):
            return _request_error(
                "Variables must be provided as an Object where each property is a variable "
                "value. Perhaps look to see if an unparsed JSON string was provided."
            )
        coerced, var_errors = check_variables(gql, operation.node, variables)
        if var_errors:
            return _Answer(
                400, {"errors": [format_error(e, "INTERNAL_SERVER_ERROR") for e in var_errors]}
            )
        assert prepared.document is not None
        result = execute(
            gql,
            prepared.document,
            context_value=ctx,
            variable_values=coerced,
            operation_name=entry.operation_name,
            executor_class=WikiExecutor,
        )
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            result = await result
        body: dict[str, Any] = {}
        failures = getattr(result, "errors", None)
        if failures:
            for error in failures:
                original = error.original_error
                if original is not None and not isinstance(original, (EmulatedError, TypeError)):
                    logger.warning("emulator resolver failed: %s", error.message, exc_info=original)
            body["errors"] = [format_error(e, "INTERNAL_SERVER_ERROR", gql) for e in failures]
        data = getattr(result, "data", None)
        body["data"] = data
        return _Answer(200 if data is not None else 400, body)

    # -- uploads and downloads -------------------------------------------------------
    async def _upload(self, request: HttpRequest) -> HttpResponse:
        wiki = self.wiki
        auth = wiki.authenticate(
            request.header("authorization"), None, request.header("content-type")
        )
        if auth.error is not None or auth.principal is None:
            return express_error(500, auth.error or "Unauthorized")
        user = auth.principal
        if not wiki.check_access(user, ["write:assets"]):
            return _upload_error(403, "You are not authorized to upload files.")
        try:
            parts = parse_multipart(request.header("content-type") or "", request.body)
        except ValueError:
            return _upload_error(400, "Missing upload payload.")
        files = [p for p in parts if p.filename is not None and p.name == "mediaUpload"]
        if any(len(p.data) > _assets.MAX_UPLOAD_BYTES for p in files):
            return _upload_error(413, "File too large")
        if not files:
            return _upload_error(400, "Missing upload payload.")
        meta = next((p for p in parts if p.filename is None and p.name == "mediaUpload"), None)
        if meta is None:
            return _upload_error(400, "Missing upload folder metadata.")
        try:
            info = json.loads(meta.data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _upload_error(400, "Missing upload folder metadata.")
        folder = info.get("folderId") if isinstance(info, dict) else None
        folder_id = (
            folder if isinstance(folder, int) and not isinstance(folder, bool) and folder else None
        )
        upload = files[0]
        slugs = [f.slug for f in _assets.hierarchy(wiki, folder_id)]
        target = "/".join([*slugs, _assets.upload_filename(upload.filename or "")])
        if not wiki.check_access(user, ["write:assets"], {"path": target}):
            return _upload_error(403, "You are not authorized to upload files to this folder.")
        _assets.store_upload(
            wiki, user, folder_id, upload.filename or "", upload.content_type, upload.data
        )
        await self.costs.spend("assets.upload")
        return text_response(200, "ok")

    def _download(self, request: HttpRequest) -> HttpResponse:
        wiki = self.wiki
        asset = _assets.find_asset(wiki, request.path)
        if asset is None:
            return text_response(404, "Not Found")
        auth = wiki.authenticate(request.header("authorization"), request.cookie("jwt"), None)
        user = auth.principal or wiki.guest()
        if not wiki.check_access(user, ["read:assets"], {"path": _assets.asset_path(wiki, asset)}):
            return text_response(403, "Forbidden")
        stamp = asset.updated_at
        mtime = int(_parse_ms(stamp))
        headers = [
            ("Cache-Control", "public, max-age=0"),
            ("ETag", f'W/"{asset.file_size:x}-{mtime:x}"'),
        ]
        return HttpResponse(200, asset.data, _assets.content_type_for(asset), headers)


def _parse_ms(stamp: str) -> float:
    value = parse_iso(stamp)
    return (value or 0.0) * 1000


def _request_error(message: str) -> _Answer:
    error = {"message": message, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
    return _Answer(400, {"errors": [error]})


def _upload_error(status: int, message: str) -> HttpResponse:
    return json_response(status, {"succeeded": False, "message": message})


# -- multipart ----------------------------------------------------------------------------


@dataclass
class Part:
    name: str | None
    filename: str | None
    content_type: str
    data: bytes


def parse_multipart(content_type: str, body: bytes) -> list[Part]:
    """A small ``multipart/form-data`` parser (what multer/busboy accept)."""
    main, _, params = content_type.partition(";")
    if main.strip().lower() != "multipart/form-data":
        raise ValueError("not multipart/form-data")
    boundary = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip().strip('"')
    if not boundary:
        raise ValueError("no boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    parts: list[Part] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("malformed part")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _disposition_param(disposition, "name")
        filename = _disposition_param(disposition, "filename")
        parts.append(
            Part(name, filename, headers.get("content-type", "application/octet-stream"), data)
        )
    if not parts and len(chunks) < 2:
        raise ValueError("boundary not found")
    return parts


_PARAM = re.compile(r';\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def _disposition_param(disposition: str, key: str) -> str | None:
    for name, value in _PARAM.findall(disposition):
        if name.lower() == f"{key}*" and "''" in value:  # RFC 5987: utf-8''%E2%82%AC.txt
            charset, _, encoded = value.strip().partition("''")
            return unquote(encoded, encoding=charset or "utf-8", errors="replace")
    for name, value in _PARAM.findall(disposition):
        if name.lower() == key:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            return str(value)
    return None
