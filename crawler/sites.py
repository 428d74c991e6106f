"""``configs/sites.yaml``: per-site politeness and identity (User-Agent, Referer per endpoint, extra
headers), and the feed sources of the generic spider."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.config import (
    ConfigError,
    check_keys,
    config_dir,
    expect_mapping,
    expect_number,
    expect_text,
    load_yaml,
    mapping_entries,
    parse_duration,
)
from core.settings import configured

FEED_TYPES = ("rss", "atom", "sitemap")
REQUIRED_SELECTORS = ("title", "body")
OPTIONAL_SELECTORS = ("published", "media")
TOP_LEVEL_KEYS = ("sites", "feeds")
SITE_KEYS = ("domains", "concurrency", "delay", "identity", "pause_after", "pause")
IDENTITY_KEYS = ("user_agent", "headers", "referers")
# The endpoints a Referer can be set for: a spider's list sources (eastmoney: columns, fast, pages;
# chinaorg: list), its article pages, and ``default`` for any other request of the site.
REFERER_ENDPOINTS = ("columns", "fast", "pages", "list", "articles", "default")
# Headers the identity must not set: Scrapy computes them, or they would break the request.
_FORBIDDEN_HEADERS = frozenset({"host", "content-length", "cookie", "user-agent", "referer"})
FEED_KEYS = ("name", "type", "url", "selectors", "allow", "concurrency", "delay")


@dataclass(frozen=True)
class Politeness:
    domains: tuple[str, ...]
    concurrency: int
    delay: float
    # A pause of ``pause_s`` seconds after every ``pause_after`` requests to the site's domains
    # together (0: none): sites that refuse a client after so many requests in a row.
    pause_after: int = 0
    pause_s: float = 0.0


@dataclass(frozen=True)
class Identity:
    """How a spider presents itself to its site: what the site is reported to accept."""

    user_agent: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    referers: tuple[tuple[str, str], ...] = ()

    def referer(self, endpoint: str) -> str | None:
        """The Referer for an endpoint (``columns``, ``fast``, ``pages``, ``list``, ``articles``), else the default."""
        chosen = dict(self.referers)
        return chosen.get(endpoint) or chosen.get("default")


@dataclass(frozen=True)
class Feed:
    name: str
    type: str
    url: str
    selectors: dict[str, str]
    allow: re.Pattern[str] | None = None
    politeness: Politeness | None = None


@dataclass(frozen=True)
class SitesConfig:
    sites: dict[str, Politeness] = field(default_factory=dict)
    feeds: tuple[Feed, ...] = ()
    identities: dict[str, Identity] = field(default_factory=dict)

    def identity(self, site: str) -> Identity | None:
        """The identity configured for a site (a spider's name), or ``None``."""
        return self.identities.get(site)

    def request_budgets(self) -> dict[str, tuple[str, int, float]]:
        """Domain → (site, requests between pauses, pause in seconds), for sites that have one."""
        return {
            domain: (name, site.pause_after, site.pause_s)
            for name, site in self.sites.items()
            if site.pause_after
            for domain in site.domains
        }

    def download_slots(self) -> dict[str, dict[str, Any]]:
        """Scrapy's DOWNLOAD_SLOTS: concurrency and delay per domain."""
        slots: dict[str, dict[str, Any]] = {}
        entries = list(self.sites.values()) + [f.politeness for f in self.feeds if f.politeness]
        for politeness in entries:
            for domain in politeness.domains:
                slots[domain] = {"concurrency": politeness.concurrency, "delay": politeness.delay}
        return slots

    def feed(self, name: str) -> Feed:
        for feed in self.feeds:
            if feed.name == name:
                return feed
        known = ", ".join(f.name for f in self.feeds) or "none"
        raise ConfigError(f"{config_dir() / 'sites.yaml'}: no feed named {name!r} (known: {known})")


def _politeness(entry: dict, where: str, domains: list[str]) -> Politeness:
    concurrency = expect_number(entry.get("concurrency", 1), f"{where}.concurrency", int, 1)
    delay = expect_number(entry.get("delay", 1.0), f"{where}.delay", float, 0)
    if not domains or not all(isinstance(d, str) and d for d in domains):
        raise ConfigError(f"{where}.domains: expected a list of host names")
    pause_after = expect_number(entry.get("pause_after", 0), f"{where}.pause_after", int, 0)
    pause = parse_duration(entry["pause"], f"{where}.pause") if entry.get("pause") is not None else 0.0
    if bool(pause_after) != bool(pause):
        raise ConfigError(f"{where}: pause_after and pause go together (a pause of so long after so many requests)")
    return Politeness(tuple(domains), concurrency, delay, pause_after, pause)


def _http_url(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://\S+$", value):
        raise ConfigError(f"{where}: expected an http(s) URL, got {value!r}")
    return value


def _identity(path: str, entry: Any, place: str) -> Identity:
    where = f"{path}: {place}"
    expect_mapping(entry, where, "a mapping with user_agent, headers, referers")
    check_keys(path, entry, IDENTITY_KEYS, place)
    user_agent = entry.get("user_agent")
    if user_agent is not None and (not isinstance(user_agent, str) or not user_agent.strip() or "\n" in user_agent):
        raise ConfigError(f"{where}.user_agent: expected one line of text, got {user_agent!r}")
    headers = expect_mapping(entry.get("headers") or {}, f"{where}.headers", "a mapping of header names to values")
    for name, value in headers.items():
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9-]+", name):
            raise ConfigError(f"{where}.headers: {name!r} is not a header name")
        if name.lower() in _FORBIDDEN_HEADERS:
            raise ConfigError(f"{where}.headers.{name}: set by user_agent / referers or by Scrapy, not here")
        if not isinstance(value, str) or "\n" in value:
            raise ConfigError(f"{where}.headers.{name}: expected one line of text, got {value!r}")
    referers = expect_mapping(entry.get("referers") or {}, f"{where}.referers", "a mapping of endpoints to URLs")
    check_keys(path, referers, REFERER_ENDPOINTS, f"{place}.referers")
    chosen = tuple((str(k), _http_url(v, f"{where}.referers.{k}")) for k, v in referers.items())
    return Identity(user_agent.strip() if user_agent else None, tuple(headers.items()), chosen)


def parse_sites(data: Any, path: str = "sites.yaml") -> SitesConfig:
    expect_mapping(data, path, "a mapping with 'sites' and 'feeds'")
    check_keys(path, data, TOP_LEVEL_KEYS)
    raw_sites = expect_mapping(
        data.get("sites") or {}, f"{path}: sites", "a mapping of site names to politeness settings"
    )
    sites, identities = {}, {}
    for name, entry in raw_sites.items():
        where = f"{path}: sites.{name}"
        expect_mapping(entry, where)
        check_keys(path, entry, SITE_KEYS, f"sites.{name}")
        sites[name] = _politeness(entry, where, entry.get("domains") or [])
        if entry.get("identity") is not None:
            identities[name] = _identity(path, entry["identity"], f"sites.{name}.identity")
    feeds = []
    names = set()
    for where, entry in mapping_entries(path, data.get("feeds") or [], "feeds", FEED_KEYS):
        for key in ("name", "type", "url"):
            expect_text(entry, key, where)
        if entry["name"] in names:
            raise ConfigError(f"{where}.name: duplicate feed name {entry['name']!r}")
        names.add(entry["name"])
        if entry["type"] not in FEED_TYPES:
            raise ConfigError(f"{where}.type: {entry['type']!r} is not one of {', '.join(FEED_TYPES)}")
        if not re.match(r"^https?://", entry["url"]):
            raise ConfigError(f"{where}.url: expected an http(s) URL, got {entry['url']!r}")
        selectors = expect_mapping(entry.get("selectors"), f"{where}.selectors", "a mapping of CSS selectors")
        for key in REQUIRED_SELECTORS:
            expect_text(selectors, key, f"{where}.selectors")
        place = where.removeprefix(f"{path}: ")
        check_keys(path, selectors, REQUIRED_SELECTORS + OPTIONAL_SELECTORS, f"{place}.selectors")
        allow = None
        if entry.get("allow"):
            try:
                allow = re.compile(entry["allow"])
            except re.error as error:
                raise ConfigError(f"{where}.allow: bad regular expression: {error}") from error
        host = re.sub(r"^https?://([^/:]+).*$", r"\1", entry["url"])
        politeness = _politeness(entry, where, [host]) if ("concurrency" in entry or "delay" in entry) else None
        feeds.append(Feed(entry["name"], entry["type"], entry["url"], dict(selectors), allow, politeness))
    return SitesConfig(sites, tuple(feeds), identities)


@configured()
def load_sites() -> SitesConfig:
    return parse_sites(load_yaml("sites.yaml"), str(config_dir() / "sites.yaml"))


class SitesAddon:
    """Scrapy add-on: per-domain concurrency and delay from ``configs/sites.yaml`` (DOWNLOAD_SLOTS),
    for every way a crawl is started (``finnews crawl`` or ``scrapy crawl``)."""

    def update_settings(self, settings: Any) -> None:
        slots = dict(load_sites().download_slots())
        slots.update(settings.getdict("DOWNLOAD_SLOTS"))  # explicit settings win
        settings.set("DOWNLOAD_SLOTS", slots, priority="addon")
