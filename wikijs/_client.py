"""``WikiJSClient``: configuration, credentials, resources, and the context manager.

``ClientBase`` holds everything the sync client and the async client
([`wikijs.aio.AsyncWikiJSClient`][wikijs.aio.AsyncWikiJSClient]) share: the options, the credentials, the policies
(retries, rate limit, cache, metrics, hooks), the transport's engine and the resources.
A subclass only opens its transport (``requests`` or ``aiohttp``) and closes it.
"""

from __future__ import annotations

import os
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Generic, Literal

from typing_extensions import TypeVar

from ._assets import AssetsAPI
from ._auth import ApiKeyAuth, Auth, LoginAuth, NoAuth
from ._batch import DEFAULT_READ_BATCH, DEFAULT_WRITE_BATCH
from ._cache import CacheBackend, MemoryCache, PageCache, cache_namespace
from ._engine import Engine, IOOptions
from ._flow import Flow, Mode, Resource, Runner, Sync, flow, identify
from ._groups import GroupsAPI
from ._hooks import Hooks
from ._metrics import Metrics
from ._pages import PagesAPI
from ._ratelimit import RateLimiter
from ._retry import RetryPolicy
from ._system import LocalizationAPI, NavigationAPI, RenderingAPI, SiteAPI, SystemAPI
from ._transport import Session, Timeout, Transport
from ._users import UsersAPI
from .models._common import Identity

__all__ = ["ClientBase", "WikiJSClient"]

#: Environment variables read by ``WikiJSClient.from_env``.
ENV_URL = "WIKIJS_URL"
ENV_API_KEY = "WIKIJS_API_KEY"
ENV_USERNAME = "WIKIJS_USERNAME"
ENV_PASSWORD = "WIKIJS_PASSWORD"

CM = TypeVar("CM", bound=Mode)
TR = TypeVar("TR", bound=Runner[Any])
SessionT = TypeVar("SessionT")
SleepT = TypeVar("SleepT")
C = TypeVar("C", bound="ClientBase[Any, Any, Any, Any]")


class ClientBase(Resource[CM], Generic[CM, TR, SessionT, SleepT], ABC):
    """What the sync and the async client share (see [`WikiJSClient`][wikijs.WikiJSClient] for the options).

    ``CM`` is the mode of the resources (sync or async), ``TR`` the transport, ``SessionT``
    the HTTP session type it accepts and ``SleepT`` what its ``sleep`` returns.
    """

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: Timeout = (5.0, 60.0),
        verify: bool | str = True,
        retry: RetryPolicy | None = None,
        rate_limit: RateLimiter | None | Literal[False] = None,
        cache: CacheBackend | None | Literal[False] = None,
        cache_ttl: float = 30.0,
        metrics: bool = True,
        hooks: Hooks | None = None,
        batch_size: int = DEFAULT_READ_BATCH,
        write_batch_size: int = DEFAULT_WRITE_BATCH,
        user_agent: str | None = None,
        verify_auth: bool = True,
        max_concurrency: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], SleepT] | None = None,
        rand: Callable[[], float] = random.random,
        session: SessionT | None = None,
    ) -> None:
        if not url or not url.strip():
            raise ValueError("url is empty")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        self.auth: Auth = _make_auth(api_key, username, password)
        if rate_limit is False:
            limiter: RateLimiter | None = None
        elif rate_limit is None:
            limiter = RateLimiter(10.0, 20, clock=clock)
        else:
            limiter = rate_limit
        self.hooks = hooks if hooks is not None else Hooks()
        self._metrics = Metrics(enabled=metrics)
        engine = Engine(
            self.url,
            auth=self.auth,
            retry=retry if retry is not None else RetryPolicy(),
            limiter=limiter,
            metrics=self._metrics,
            hooks=self.hooks,
            user_agent=user_agent,
            verify_auth=verify_auth and not isinstance(self.auth, NoAuth),
            clock=clock,
            rand=rand,
        )
        self._transport: TR = self._open(
            engine, IOOptions(timeout, verify, session, sleep, max_concurrency)
        )
        super().__init__(self._transport)
        if cache is False:
            self.cache: PageCache | None = None
        else:
            backend = cache if cache is not None else MemoryCache(clock=clock)
            self.cache = PageCache(
                backend, ttl=cache_ttl, namespace=lambda: _cache_identity(self.url, engine)
            )
        # Resources: one class per resource over the transport. A new resource is a
        # Resource subclass with @flow methods, instantiated here.
        self.pages: PagesAPI[CM] = PagesAPI(
            self._transport,
            cache=self.cache,
            batch_size=batch_size,
            write_batch_size=write_batch_size,
        )
        self.assets: AssetsAPI[CM] = AssetsAPI(self._transport)
        self.users: UsersAPI[CM] = UsersAPI(self._transport)
        self.groups: GroupsAPI[CM] = GroupsAPI(self._transport)
        self.system: SystemAPI[CM] = SystemAPI(self._transport)
        self.site: SiteAPI[CM] = SiteAPI(self._transport)
        self.navigation: NavigationAPI[CM] = NavigationAPI(self._transport)
        self.localization: LocalizationAPI[CM] = LocalizationAPI(self._transport)
        self.rendering: RenderingAPI[CM] = RenderingAPI(self._transport)

    @abstractmethod
    def _open(self, engine: Engine, options: IOOptions[SessionT, SleepT]) -> TR:
        """The transport that performs ``engine``'s I/O."""

    @classmethod
    def from_env(cls: type[C], environ: Mapping[str, str] | None = None, **overrides: Any) -> C:
        """A client configured from ``WIKIJS_URL`` and ``WIKIJS_API_KEY`` (or
        ``WIKIJS_USERNAME``/``WIKIJS_PASSWORD``); keyword arguments override them."""
        env = os.environ if environ is None else environ
        url = overrides.pop("url", None) or env.get(ENV_URL, "").strip()
        if not url:
            raise ValueError(f"set {ENV_URL} to the wiki's address (e.g. https://wiki.example.com)")
        has_credentials = any(k in overrides for k in ("api_key", "username", "password"))
        if not has_credentials:
            api_key = env.get(ENV_API_KEY, "").strip()
            username = env.get(ENV_USERNAME, "").strip()
            password = env.get(ENV_PASSWORD, "")
            if api_key:
                overrides["api_key"] = api_key
            elif username or password:
                overrides["username"] = username
                overrides["password"] = password
            else:
                raise ValueError(
                    f"set {ENV_API_KEY}, or {ENV_USERNAME} and {ENV_PASSWORD}, to authenticate"
                )
        return cls(url, **overrides)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r}, auth={self.auth.description})"

    # -- account and observability -----------------------------------------------------------

    @flow
    def whoami(self) -> Flow[Identity]:
        """The user the credentials belong to; [`AuthenticationError`][wikijs.AuthenticationError] if Wiki.js
        treats them as the Guest user."""
        return (yield from identify())

    def metrics(self) -> dict[str, Any]:
        """Request counts, errors, retries, rate-limit waits and latency percentiles."""
        return self._metrics.snapshot()

    @property
    def transport(self) -> TR:
        """The runner resources send their flows through."""
        return self._transport


class WikiJSClient(ClientBase[Sync, Transport, Session, None]):
    """A client for one Wiki.js 2.x wiki.

    ```python
    with WikiJSClient("https://wiki.example.com", api_key=key) as wiki:
        page = wiki.pages.get_by_path("handbook/setup")
        wiki.pages.update(page.id, current=page, content=page.content + "\\n\\nMore.")
    ```

    Credentials are an API key (``api_key``) or a login (``username``/``password``).
    They are checked once, before the first request (``verify_auth``): Wiki.js runs a
    request with an unaccepted key as the Guest user instead of refusing it, so without
    the check a bad key shows up only as puzzling "Forbidden" errors on writes.

    Every request goes through the retry policy (``retry``; mutations are re-sent only
    when they provably did not reach the server), a client-side rate limiter
    (``rate_limit``; default 10/s, burst 20; ``False`` disables it), the ``wikijs.http``
    logger (one line per HTTP attempt, secrets masked), metrics (``metrics``) and
    ``hooks``. Page reads by id or path are cached for ``cache_ttl`` seconds
    (``cache=False`` disables it); every write invalidates the page it touches.
    ``max_concurrency`` bounds the HTTP requests in flight from all threads (default: no
    bound beyond the threads themselves).

    ``clock``, ``sleep`` and ``rand`` replace the monotonic clock, ``time.sleep`` and the
    jitter source, for tests. The client is safe to share between threads.
    """

    def _open(self, engine: Engine, options: IOOptions[Session, None]) -> Transport:
        return Transport.over(engine, options)

    def close(self) -> None:
        """Close the HTTP session (its pooled connections)."""
        self._transport.close()

    def __enter__(self) -> WikiJSClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _cache_identity(url: str, engine: Engine) -> str | None:
    """The cache namespace of who the client is authenticated as; ``None`` until then.

    Until the credentials were accepted (the login succeeded and, with ``verify_auth``,
    ``users.profile`` answered as someone other than the Guest), nothing is read from or
    written to the cache: a client with a wrong password never sees what another client
    of the same user name cached. The verified user id is part of the namespace, and so
    is the credential (API keys all run as one user on Wiki.js, with different rights;
    without ``verify_auth`` an API key is all there is to tell clients apart).
    """
    if isinstance(engine.auth, NoAuth):
        return cache_namespace(url, "guest")
    if engine.needs_setup("cache.read"):
        return None
    who = engine.identity
    verified = f"\nuser:{who.id}:{who.email}" if who is not None else ""
    return cache_namespace(url, engine.auth.identity() + verified)


def _make_auth(api_key: str | None, username: str | None, password: str | None) -> Auth:
    if api_key and (username or password):
        raise ValueError("pass either api_key or username/password, not both")
    if api_key:
        return ApiKeyAuth(api_key)
    if username or password:
        if not (username and password):
            raise ValueError("a login needs both username and password")
        return LoginAuth(username, password)
    return NoAuth()
