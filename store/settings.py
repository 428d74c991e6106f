"""How to reach Elasticsearch: ``configs/finnews.yaml`` → ``elasticsearch``, the environment's
overrides and the credentials of a secured cluster."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

from core.config import ConfigError, config_dir, finnews_config, require, state_dir
from core.masking import SECRET_PARAMETERS
from core.settings import configured


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to a secured cluster. Never printed: ``repr`` hides the secrets."""

    username: str | None = field(default=None)
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    ca_certs: str | None = None
    verify_certs: bool = True

    def client_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.api_key:
            options["api_key"] = self.api_key
        elif self.username:
            options["basic_auth"] = (self.username, self.password or "")
        if self.ca_certs:
            options["ca_certs"] = self.ca_certs
        if not self.verify_certs:
            options["verify_certs"] = False
        return options


@dataclass(frozen=True)
class ElasticsearchSettings:
    version: str
    url: str  # the cluster every command talks to, without credentials (safe to print); hosts joined by ","
    managed: bool  # True when finnews runs the node itself (no FINNEWS_ES_URL / elasticsearch.url)
    port: int  # the local node's HTTP port (the first node's, for a local cluster)
    heap: str
    alias: str
    start_timeout_s: float
    credentials: Credentials = field(default_factory=Credentials)
    nodes: int = 1  # local nodes finnews runs (ports port, port+1, …); 1: a single-node cluster
    hosts: tuple[str, ...] = ()  # every node the client may talk to (it moves on when one is down)
    java_opts: str = ""  # JVM options for the local nodes, after the heap (FINNEWS_ES_JAVA_OPTS)

    def __post_init__(self) -> None:
        if not self.hosts:
            object.__setattr__(self, "hosts", tuple(self.url.split(",")))

    @property
    def local_ports(self) -> tuple[int, ...]:
        """The HTTP ports of the nodes finnews runs itself."""
        return tuple(range(self.port, self.port + self.nodes))


CREDENTIAL_KEYS = ("username", "password", "api_key", "ca_certs", "verify_certs")


def credentials_file() -> Path:
    return Path(os.environ.get("FINNEWS_CREDENTIALS") or state_dir() / "credentials.yaml")


def load_credentials(url_user: str | None, url_password: str | None, url_api_key: str | None = None) -> Credentials:
    """Credentials from the environment (``FINNEWS_ES_USERNAME``/``_PASSWORD``/``_API_KEY``/``_CA_CERTS``),
    else the URL's user info, else a credentials file that only its owner may read (mode 0600)."""
    values: dict[str, Any] = {}
    path = credentials_file()
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(f"{path}: readable by others (mode {mode:04o}); run: chmod 600 {path}")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: invalid YAML (line {getattr(error, 'problem_mark', None)})") from None
        if not isinstance(data, dict) or set(data) - set(CREDENTIAL_KEYS):
            raise ConfigError(f"{path}: expected a mapping with keys among {', '.join(CREDENTIAL_KEYS)}")
        values.update(data)
    if url_user or url_password:
        values.update(username=url_user, password=url_password)
    if url_api_key:
        values.update(api_key=url_api_key)
    for key in ("username", "password", "api_key", "ca_certs"):
        if os.environ.get(f"FINNEWS_ES_{key.upper()}"):
            values[key] = os.environ[f"FINNEWS_ES_{key.upper()}"]
    if os.environ.get("FINNEWS_ES_VERIFY_CERTS"):
        values["verify_certs"] = os.environ["FINNEWS_ES_VERIFY_CERTS"].lower() not in ("0", "false", "no")
    if values.get("ca_certs") and not Path(str(values["ca_certs"])).is_file():
        raise ConfigError(f"CA certificate file not found: {values['ca_certs']}")
    return Credentials(**{k: v for k, v in values.items() if v is not None})


@dataclass(frozen=True)
class UrlSecrets:
    """What a cluster URL carries besides where the cluster is: user info and secret query values."""

    username: str | None = None
    password: str | None = None
    api_key: str | None = None


# Query parameters of a cluster URL that name an API key (the others among the secret ones are dropped).
_API_KEY_PARAMETERS = ("api_key", "apikey", "api-key")


def split_secrets(url: str) -> tuple[str, UrlSecrets]:
    """``https://user:pass@host:9200/?api_key=…`` → (``https://host:9200/``, the secrets). The URL
    kept is safe to print anywhere: no user info and no secret query parameter (the masker's list,
    ``core.masking.SECRET_PARAMETERS``) is left in it; an API key given in the query is used as one."""
    parts = urlsplit(url)
    netloc = parts.netloc
    username = password = None
    if "@" in parts.netloc:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        username, password = parts.username or None, parts.password
    secret_names = {name.lower() for name in SECRET_PARAMETERS}
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    api_key = next((value for name, value in pairs if name.lower() in _API_KEY_PARAMETERS and value), None)
    kept = [(name, value) for name, value in pairs if name.lower() not in secret_names]
    safe = urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), parts.fragment))
    return safe, UrlSecrets(username, password, api_key)


def split_hosts(text: str) -> tuple[tuple[str, ...], UrlSecrets]:
    """``FINNEWS_ES_URL`` naming several nodes of one cluster (``https://u:p@a:9200,https://b:9200``,
    commas or spaces) → the safe URL of each and the secrets, taken from the first URL carrying any
    (the client sends the same credentials to every node)."""
    hosts, found = [], UrlSecrets()
    for part in text.replace(" ", ",").split(","):
        if not part.strip():
            continue
        if "://" not in part:
            raise ConfigError(f"FINNEWS_ES_URL / elasticsearch.url: expected http(s)://host:port, got {part!r}")
        safe, secrets = split_secrets(part.strip().rstrip("/"))
        hosts.append(safe)
        if found == UrlSecrets():
            found = secrets
    if not hosts:
        raise ConfigError("FINNEWS_ES_URL / elasticsearch.url: no host given")
    return tuple(hosts), found


MAX_LOCAL_NODES = 5


def local_cluster(
    settings: ElasticsearchSettings, port: int, nodes: int, heap: str | None = None
) -> ElasticsearchSettings:
    """Settings for a cluster of ``nodes`` local nodes from ``port`` on (what ``FINNEWS_ES_PORT`` and
    ``FINNEWS_ES_NODES`` give a command), for a caller that runs one beside the configured node."""
    hosts = tuple(f"http://127.0.0.1:{number}" for number in range(port, port + nodes))
    return replace(
        settings, url=",".join(hosts), hosts=hosts, managed=True, port=port, nodes=nodes, heap=heap or settings.heap
    )


ES_ENVIRONMENT = (
    "FINNEWS_ES_URL", "FINNEWS_ES_PORT", "FINNEWS_ES_HEAP", "FINNEWS_ES_NODES", "FINNEWS_INDEX", "FINNEWS_ES_JAVA_OPTS",
    "FINNEWS_CREDENTIALS", "FINNEWS_STATE_DIR", "FINNEWS_ES_USERNAME", "FINNEWS_ES_PASSWORD",
    "FINNEWS_ES_API_KEY", "FINNEWS_ES_CA_CERTS", "FINNEWS_ES_VERIFY_CERTS",
)  # fmt: skip


# Built again when any variable it reads changes (a test or a command pointing at another node).
@configured(*ES_ENVIRONMENT)
def elasticsearch_settings() -> ElasticsearchSettings:
    """``configs/finnews.yaml`` → ``elasticsearch``, with ``FINNEWS_ES_URL`` (one or several nodes) /
    ``FINNEWS_ES_PORT`` / ``FINNEWS_ES_NODES`` / ``FINNEWS_ES_HEAP`` / ``FINNEWS_ES_JAVA_OPTS`` /
    ``FINNEWS_INDEX`` overriding it, and credentials for a secured cluster."""
    where = f"{config_dir() / 'finnews.yaml'}: elasticsearch"
    data = require(finnews_config(), "elasticsearch", dict, str(config_dir() / "finnews.yaml"))
    version = str(require(data, "version", str, where))
    port_text = os.environ.get("FINNEWS_ES_PORT")
    if port_text and not port_text.isdigit():
        raise ConfigError(f"FINNEWS_ES_PORT: expected a port number, got {port_text!r}")
    port = int(port_text or require(data, "port", int, where))
    heap = os.environ.get("FINNEWS_ES_HEAP") or str(require(data, "heap", str, where))
    java_opts = os.environ.get("FINNEWS_ES_JAVA_OPTS")
    if java_opts is None:
        java_opts = str(require(data, "java_opts", str, where)) if "java_opts" in data else ""
    nodes_text = os.environ.get("FINNEWS_ES_NODES") or str(data.get("nodes", 1))
    if not nodes_text.isdigit() or not 1 <= int(nodes_text) <= MAX_LOCAL_NODES:
        raise ConfigError(
            f"FINNEWS_ES_NODES / {where}.nodes: expected a number of local nodes from 1 to {MAX_LOCAL_NODES}, "
            f"got {nodes_text!r}"
        )
    nodes = int(nodes_text)
    alias = os.environ.get("FINNEWS_INDEX") or str(require(data, "index", str, where))
    timeout = float(require(data, "start_timeout_s", (int, float), where))
    external = os.environ.get("FINNEWS_ES_URL") or data.get("url")
    if external:
        hosts, secrets = split_hosts(str(external))
        credentials = load_credentials(secrets.username, secrets.password, secrets.api_key)
    else:
        hosts = tuple(f"http://127.0.0.1:{number}" for number in range(port, port + nodes))
        credentials = Credentials()
    return ElasticsearchSettings(
        version, ",".join(hosts), not external, port, heap, alias, timeout, credentials, nodes, hosts, java_opts.strip()
    )
