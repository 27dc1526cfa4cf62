"""``WikiJSClient``: configuration, credentials, resources, and the context manager."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Literal

from ._assets import AssetsAPI
from ._auth import ApiKeyAuth, Auth, LoginAuth, NoAuth
from ._batch import DEFAULT_READ_BATCH, DEFAULT_WRITE_BATCH
from ._cache import CacheBackend, MemoryCache, PageCache
from ._groups import GroupsAPI
from ._hooks import Hooks
from ._metrics import Metrics
from ._pages import PagesAPI
from ._ratelimit import RateLimiter
from ._retry import RetryPolicy
from ._system import NavigationAPI, SiteAPI, SystemAPI
from ._transport import Session, Timeout, Transport
from ._users import UsersAPI
from .models._common import Identity

__all__ = ["WikiJSClient"]

#: Environment variables read by :meth:`WikiJSClient.from_env`.
ENV_URL = "WIKIJS_URL"
ENV_API_KEY = "WIKIJS_API_KEY"
ENV_USERNAME = "WIKIJS_USERNAME"
ENV_PASSWORD = "WIKIJS_PASSWORD"


class WikiJSClient:
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
    logger (one line per HTTP attempt, secrets masked), metrics (:meth:`metrics`) and
    ``hooks``. Page reads by id or path are cached for ``cache_ttl`` seconds
    (``cache=False`` disables it); every write invalidates the page it touches.

    ``clock``, ``sleep`` and ``rand`` replace the monotonic clock, ``time.sleep`` and the
    jitter source, for tests. The client is safe to share between threads.
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
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        session: Session | None = None,
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
            limiter = RateLimiter(10.0, 20, clock=clock, sleep=sleep)
        else:
            limiter = rate_limit
        self.hooks = hooks if hooks is not None else Hooks()
        self._metrics = Metrics(enabled=metrics)
        self._transport = Transport(
            self.url,
            auth=self.auth,
            timeout=timeout,
            verify=verify,
            retry=retry if retry is not None else RetryPolicy(),
            limiter=limiter,
            metrics=self._metrics,
            hooks=self.hooks,
            user_agent=user_agent,
            verify_auth=verify_auth and not isinstance(self.auth, NoAuth),
            session=session,
            clock=clock,
            sleep=sleep,
            rand=rand,
        )
        if cache is False:
            self.cache: PageCache | None = None
        else:
            backend = cache if cache is not None else MemoryCache(clock=clock)
            self.cache = PageCache(backend, ttl=cache_ttl)
        # Resources: one class per resource over the executor (the transport). A new
        # resource is a class taking an Executor, instantiated here.
        self.pages = PagesAPI(
            self._transport,
            cache=self.cache,
            batch_size=batch_size,
            write_batch_size=write_batch_size,
        )
        self.assets = AssetsAPI(self._transport)
        self.users = UsersAPI(self._transport)
        self.groups = GroupsAPI(self._transport)
        self.system = SystemAPI(self._transport)
        self.site = SiteAPI(self._transport)
        self.navigation = NavigationAPI(self._transport)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> WikiJSClient:
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

    # -- lifecycle ---------------------------------------------------------------------------

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

    def __repr__(self) -> str:
        return f"WikiJSClient(url={self.url!r}, auth={self.auth.description})"

    # -- account and observability -----------------------------------------------------------

    def whoami(self) -> Identity:
        """The user the credentials belong to; :class:`AuthenticationError` if Wiki.js
        treats them as the Guest user."""
        return self._transport.identity()

    def metrics(self) -> dict[str, Any]:
        """Request counts, errors, retries, rate-limit waits and latency percentiles."""
        return self._metrics.snapshot()

    @property
    def transport(self) -> Transport:
        """The executor resources send their operations through."""
        return self._transport


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
