"""Credentials for the official APIs a crawl uses: Etsy's API key and eBay's OAuth application token.

Both implement the fetcher's ApiAuth protocol: `Fetcher.fetch(..., auth=...)` asks for headers before each call
and tells them when the API refused them. eBay's token itself is fetched through the same Fetcher, so every
request still goes out there (this module imports the fetcher; the fetcher never imports it).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from scout.crawl.fetcher import Fetcher
from scout.errors import ConfigError, FetchError

EBAY_TOKEN_URL = "https://api.ebay.com/identity/v1/oauth2/token"
EBAY_SCOPE = "https://api.ebay.com/oauth/api_scope"


@dataclass
class EtsyApiKey:
    """Etsy Open API v3: the app's keystring in an `x-api-key` header on every call."""

    api_key: str | None
    setting: str = "SCOUT_ETSY_API_KEY"

    async def headers(self, fetcher: Fetcher) -> dict[str, str]:
        """The x-api-key header."""
        if not self.api_key:
            raise ConfigError(f"{self.setting} is not set")
        return {"x-api-key": self.api_key}

    def invalidate(self, used: Mapping[str, str]) -> bool:
        """A refused key stays refused."""
        return False


@dataclass
class EbayOAuth:
    """eBay's client-credentials grant: an application token, cached until shortly before it expires."""

    client_id: str | None
    client_secret: str | None
    token_url: str = EBAY_TOKEN_URL
    scope: str = EBAY_SCOPE
    refresh_margin: float = 120.0  # seconds before expires_in at which a new token is asked for
    _token: str | None = field(default=None, init=False, repr=False)
    _expires_at: float = field(default=0.0, init=False, repr=False)
    _lock: asyncio.Lock | None = field(default=None, init=False, repr=False)

    async def headers(self, fetcher: Fetcher) -> dict[str, str]:
        """`Authorization: Bearer <token>`, asking eBay for a token when there is none or it is about to expire."""
        if not self.client_id:
            raise ConfigError("SCOUT_EBAY_CLIENT_ID is not set")
        if not self.client_secret:
            raise ConfigError("SCOUT_EBAY_CLIENT_SECRET is not set")
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._token is None or fetcher.clock() >= self._expires_at - self.refresh_margin:
                await self._request_token(fetcher)
        return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self, used: Mapping[str, str]) -> bool:
        """Drop the token eBay refused (unless another task already replaced it)."""
        if used.get("Authorization") == f"Bearer {self._token}":
            self._token = None
        return True

    async def _request_token(self, fetcher: Fetcher) -> None:
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode("ascii")
        result = await fetcher.post_form(
            self.token_url,
            {"grant_type": "client_credentials", "scope": self.scope},
            headers={"Authorization": f"Basic {basic}"},
        )
        if result.status in (400, 401):
            raise ConfigError(f"eBay refused SCOUT_EBAY_CLIENT_ID/SCOUT_EBAY_CLIENT_SECRET (HTTP {result.status}: "
                              f"{result.text[:200]})")
        try:
            payload = json.loads(result.body)
            token = str(payload["access_token"])
            expires_in = float(payload.get("expires_in", 7200))
        except (ValueError, KeyError, TypeError):
            raise FetchError(self.token_url, f"no access_token in eBay's answer (HTTP {result.status})",
                             result.status) from None
        self._token = token
        self._expires_at = fetcher.clock() + expires_in
