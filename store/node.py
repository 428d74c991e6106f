"""The local Elasticsearch node that finnews downloads, starts and stops by itself.

The distribution is the ``integ-test-zip`` artifact from Maven Central, fetched with ``mvn`` by its
coordinates (no host names here), unpacked into ``.finnews/cache``. It has no bundled JDK, so it
runs on the system Java (Elasticsearch 8 accepts 17+). Elasticsearch refuses to run as root, so
when finnews runs as root (CI, containers) the node runs as the system user ``finnews-es``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.config import state_dir
from store.settings import ElasticsearchSettings, elasticsearch_settings

ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
MINIMUM_JAVA = 17
SERVICE_USER = "finnews-es"


class NodeError(RuntimeError):
    """The local node could not be installed, started or reached; the message says what to do."""


@dataclass(frozen=True)
class NodePaths:
    home: Path  # the unpacked distribution
    data: Path
    logs: Path
    tmp: Path
    pid_file: Path  # the launcher's pid: the node's process group
    console_log: Path
    server_pid_file: Path  # the server JVM's own pid, written by the node (``-p``)


# When the checkout is out of the node's system user's reach (a clone in root's 0700 home), the
# node's install and data live here instead, in a folder per checkout, owned by that user.
SERVICE_ROOT = Path("/var/lib/finnews-es")


def reachable_by(path: Path, uid: int, gid: int) -> bool:
    """Whether the user can get to ``path`` (search permission on it and every folder above it),
    asked of the system itself as that user, so ACLs and mount options count too."""
    try:
        result = subprocess.run(
            ["test", "-x", str(path)], user=uid, group=gid, extra_groups=[], capture_output=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def node_root() -> Path:
    """Where the node's install (``cache/``) and data (``es/``) live: the state directory, unless
    finnews runs as root and the node's system user cannot reach it, then a folder of that user's
    under ``/var/lib/finnews-es`` (one per checkout; the downloaded distribution is shared)."""
    root = state_dir()
    owner = _service_user()
    if owner is None or reachable_by(root, *owner):
        return root
    return SERVICE_ROOT / hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:12]


def node_paths(settings: ElasticsearchSettings, port: int | None = None) -> NodePaths:
    """The folders of the local node on ``port`` (the first node by default). The nodes of a local
    cluster live in a folder of their own, apart from a single node's data on the same port."""
    root = node_root()
    port = port or settings.port
    if settings.nodes == 1:
        node_dir = root / "es" / f"node-{port}"
    else:
        node_dir = root / "es" / f"cluster-{settings.port}x{settings.nodes}" / f"node-{port}"
    cache = root / "cache" if root == state_dir() else SERVICE_ROOT / "cache"
    return NodePaths(
        home=cache / f"elasticsearch-{settings.version}",
        data=node_dir / "data",
        logs=node_dir / "logs",
        tmp=node_dir / "tmp",
        pid_file=node_dir / "elasticsearch.pid",
        console_log=node_dir / "console.log",
        server_pid_file=node_dir / "server.pid",
    )


def transport_port(port: int) -> int:
    """The transport port of a local cluster's node: its HTTP port + 100 (9200 → 9300), so every node
    can name the others in ``discovery.seed_hosts``."""
    return port + 100


# --- Java -------------------------------------------------------------------------------------


def java_major_version(java: str) -> int | None:
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def find_java_home() -> Path:
    """A Java home of version 17 or newer: ``ES_JAVA_HOME``, ``JAVA_HOME``, then ``java`` on PATH."""
    candidates = [os.environ.get("ES_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    on_path = shutil.which("java")
    if on_path:
        candidates.append(str(Path(os.path.realpath(on_path)).parent.parent))
    seen = []
    for home in filter(None, candidates):
        java = Path(home) / "bin" / "java"
        version = java_major_version(str(java)) if java.exists() else None
        seen.append(f"{java} ({'version ' + str(version) if version else 'not usable'})")
        if version and version >= MINIMUM_JAVA:
            return Path(home)
    raise NodeError(
        f"Java {MINIMUM_JAVA} or newer is needed to run Elasticsearch and none was found"
        + (f" (checked: {', '.join(seen)})" if seen else "")
        + ". Run `make setup` (it installs openjdk-17-jdk-headless with apt-get) or set ES_JAVA_HOME."
    )


# --- Installation ------------------------------------------------------------------------------


def install(settings: ElasticsearchSettings | None = None) -> Path:
    """Download and unpack the pinned distribution once; later calls reuse it."""
    settings = settings or elasticsearch_settings()
    paths = node_paths(settings)
    launcher = paths.home / "bin" / "elasticsearch"
    if launcher.exists():
        return paths.home
    cache = paths.home.parent
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"elasticsearch-{settings.version}.zip"
    local_copy = state_dir() / "cache" / archive.name  # downloaded before, into the checkout
    if not archive.exists() and local_copy.exists():
        archive = local_copy
    if not archive.exists():
        if not shutil.which("mvn"):
            raise NodeError("Maven (mvn) is needed to download Elasticsearch: apt-get install maven")
        artifact = ARTIFACT.format(version=settings.version)
        print(f"Downloading Elasticsearch {settings.version} (Maven artifact {artifact}) …", flush=True)
        command = [
            "mvn", "-q", "-B", "dependency:copy",
            f"-Dartifact={ARTIFACT.format(version=settings.version)}",
            f"-DoutputDirectory={cache}",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0 or not archive.exists():
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise NodeError(f"Downloading Elasticsearch {settings.version} with Maven failed:\n{tail}")
    unpack_dir = cache / f".unpack-{settings.version}"
    shutil.rmtree(unpack_dir, ignore_errors=True)
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            target = Path(zipped.extract(member, unpack_dir))
            mode = member.external_attr >> 16
            if mode and not member.is_dir():
                target.chmod(mode & 0o777)  # zipfile drops the executable bits of bin/*
    (unpack_dir / f"elasticsearch-{settings.version}").rename(paths.home)
    shutil.rmtree(unpack_dir, ignore_errors=True)
    return paths.home


# --- Health ------------------------------------------------------------------------------------


def _get_json(url: str, timeout: float = 5.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def cluster_health(url: str, timeout: float = 5.0) -> dict | None:
    """The cluster health document, or ``None`` when nothing answers at ``url``."""
    try:
        return _get_json(f"{url}/_cluster/health", timeout)
    except (urllib.error.URLError, OSError, ValueError):
        return None


# How long `es start` waits for a node of its own that is alive but silent (killed and still exiting,
# or starting) before it says so.
DYING_NODE_WAIT_S = 60.0


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _read_pid(paths: NodePaths) -> int | None:
    """The node's process group when any process of it is alive. The launcher script starts a CLI
    JVM that starts the server JVM; all share the group the launcher leads (start_new_session), and
    the server may outlive the launcher while it shuts down, so the group is what counts."""
    try:
        pid = int(paths.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap the launcher when this process started it
    return pid if group_alive(pid) else None


def group_alive(pgid: int, proc: Path = Path("/proc")) -> bool:
    """Whether a process of the group is alive. A process killed with SIGKILL stays in the process
    table as a zombie until its parent (often init, which in a container may be slow or absent)
    reaps it; ``kill(0)`` still succeeds on it, so zombies are read from /proc and do not count."""
    if proc.is_dir():
        for stat in proc.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process went away while we looked
            if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
                return True
        return False
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _wait_for_dying_node(paths: NodePaths, url: str, timeout: float) -> dict | None:
    """A node of ours whose processes are alive but that does not answer is starting or stopping
    (killed a moment ago, its JVMs still exiting). Wait up to ``timeout`` seconds for it to answer
    (its health) or to be gone (None); still neither: a clear error."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = cluster_health(url, timeout=2)
        if health is not None:
            return health
        if _read_pid(paths) is None:
            return None
        time.sleep(0.5)
    raise NodeError(
        f"An Elasticsearch process of this node (group {_read_pid(paths)}) is alive but has not answered at "
        f"{url} for {timeout:.0f} s: it is starting or stopping. Wait, or run `finnews es stop`.\n{_log_tail(paths)}"
    )


def _log_tail(paths: NodePaths, lines: int = 25) -> str:
    chunks = []
    for log in (paths.console_log, paths.logs / "finnews.log"):
        if log.exists():
            text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            chunks.append(f"--- {log} (last lines) ---\n" + "\n".join(text[-lines:]))
    return "\n".join(chunks) or "(no log written)"


# --- Start / stop ------------------------------------------------------------------------------


def _service_user() -> tuple[int, int] | None:
    """When running as root, the unprivileged user the node runs as (created on first use)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, entry.pw_gid


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


def start(settings: ElasticsearchSettings | None = None, quiet: bool = False) -> str:
    """Start the local node, or every node of a local cluster (``nodes`` > 1), installing the
    distribution first, and wait until the cluster is healthy with all of them.

    Nodes that already answer are left alone (a no-op when all do), so this also brings back one
    node of a cluster that died. Returns a one-line description of what happened.
    """
    settings = settings or elasticsearch_settings()
    if not settings.managed:
        from store.client import cluster_status, connect  # the client: credentials and CA applied

        health = cluster_status(connect())
        if health is None:
            raise NodeError(f"The configured cluster {settings.url} does not answer (FINNEWS_ES_URL / configs)")
        return f"Using the configured cluster at {settings.url} ({health.get('status')})"
    with _one_start_at_a_time(settings):
        return _start_local(settings, quiet)


@contextlib.contextmanager
def _one_start_at_a_time(settings: ElasticsearchSettings) -> Iterator[None]:
    """Two processes starting the node at once (a job and a command, two test workers) would launch
    two JVMs on one port and one data folder: the second waits here, then finds the node running."""
    import fcntl

    with (state_dir() / f".es-start-{settings.port}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _start_local(settings: ElasticsearchSettings, quiet: bool) -> str:
    launched: list[tuple[subprocess.Popen[bytes], NodePaths]] = []
    for port in settings.local_ports:
        url = f"http://127.0.0.1:{port}"
        paths = node_paths(settings, port)
        running = cluster_health(url)
        if running is not None:
            if settings.nodes > 1 and running.get("cluster_name") != local_cluster_name(settings):
                # Another cluster's node on one of ours: its nodes would form a cluster without it, and the wait
                # for all of them ran out after minutes with nothing said of why.
                raise NodeError(
                    f"port {port} is taken by another Elasticsearch (cluster {running.get('cluster_name')!r}, not "
                    f"{local_cluster_name(settings)!r}): stop it, or start this cluster on other ports"
                )
            continue
        if _read_pid(paths) is not None and _wait_for_dying_node(paths, url, DYING_NODE_WAIT_S) is not None:
            continue
        launched.append((_launch(settings, port, quiet), paths))
    what = f"Elasticsearch {settings.version}" + (f" ({settings.nodes} nodes)" if settings.nodes > 1 else "")
    if not launched:
        health = cluster_health(settings.hosts[0])
        return f"{what} is already running at {settings.url} ({(health or {}).get('status')})"
    deadline = time.monotonic() + settings.start_timeout_s
    while time.monotonic() < deadline:
        for process, paths in launched:
            if process.poll() is not None:
                raise NodeError(
                    f"Elasticsearch exited with code {process.returncode} while starting.\n{_log_tail(paths)}"
                )
        health = cluster_health(settings.hosts[0], timeout=2)
        if (
            health
            and health.get("status") in ("green", "yellow")
            and int(health.get("number_of_nodes", 0)) >= settings.nodes
        ):
            return f"{what} is up at {settings.url} ({health['status']})"
        time.sleep(1)
    raise NodeError(
        f"{what} did not become healthy within {settings.start_timeout_s:.0f}s.\n"
        + "\n".join(_log_tail(paths) for _, paths in launched)
    )


def local_cluster_name(settings: ElasticsearchSettings) -> str:
    """The name of the cluster finnews starts on these settings: ``finnews``, or ``finnews-9270x3`` for a local
    cluster of three nodes from port 9270."""
    return "finnews" if settings.nodes == 1 else f"finnews-{settings.port}x{settings.nodes}"


def _node_arguments(settings: ElasticsearchSettings, port: int, paths: NodePaths) -> list[str]:
    """The node's settings: a single-node cluster, or one node of a local cluster that finds the
    others by their transport ports (and bootstraps with them the first time it starts)."""
    if settings.nodes == 1:
        cluster = ["-E", "discovery.type=single-node", "-E", f"cluster.name={local_cluster_name(settings)}"]
    else:
        ports = settings.local_ports
        cluster = [
            "-E", f"cluster.name={local_cluster_name(settings)}",
            "-E", f"node.name=finnews-{port}",
            "-E", f"transport.port={transport_port(port)}",
            "-E", "discovery.seed_hosts=" + ",".join(f"127.0.0.1:{transport_port(p)}" for p in ports),
        ]  # fmt: skip
        if not any(paths.data.iterdir()):
            # Only for the very first start: a node that has been part of the cluster finds it again.
            cluster += ["-E", "cluster.initial_master_nodes=" + ",".join(f"finnews-{p}" for p in ports)]
    return [
        *cluster,
        "-E", "xpack.security.enabled=false",
        "-E", "network.host=127.0.0.1",
        "-E", f"http.port={port}",
        "-E", f"path.data={paths.data}",
        "-E", f"path.logs={paths.logs}",
        # A CI disk can be fuller than Elasticsearch's watermarks; a dev node must not go read-only.
        "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
        "-E", "action.destructive_requires_name=true",
        "-p", str(paths.server_pid_file),
    ]  # fmt: skip


def _launch(settings: ElasticsearchSettings, port: int, quiet: bool) -> subprocess.Popen[bytes]:
    """Start one node in the background (its own process group) and return its launcher."""
    paths = node_paths(settings, port)
    ports = [port] if settings.nodes == 1 else [port, transport_port(port)]
    taken = [number for number in ports if not port_is_free(number)]
    if taken:
        raise NodeError(
            f"Port {taken[0]} on 127.0.0.1 is taken by a process that is not an Elasticsearch node of finnews. "
            "Stop it, or choose another port with FINNEWS_ES_PORT or elasticsearch.port in configs/finnews.yaml."
        )
    java_home = find_java_home()
    home = install(settings)
    for directory in (paths.data, paths.logs, paths.tmp):
        directory.mkdir(parents=True, exist_ok=True)
    paths.server_pid_file.unlink(missing_ok=True)
    owner = _service_user()
    if owner:
        # The node writes its keystore into config/ and its data and logs into its node folder.
        _chown_tree(home, *owner)
        _chown_tree(paths.data.parent, *owner)
        root = node_root()
        for folder in (*[f for f in paths.data.parent.parents if f.is_relative_to(root)], paths.home.parent):
            folder.chmod(folder.stat().st_mode | 0o011)  # let the service user traverse
        if not reachable_by(paths.home, *owner) or not reachable_by(paths.data, *owner):
            raise NodeError(
                f"The Elasticsearch system user {SERVICE_USER} cannot reach {paths.home} or {paths.data}. "
                f"Give it search permission on the folders above them (chmod o+x), or set FINNEWS_STATE_DIR "
                f"to a folder it can reach."
            )
    env = dict(os.environ)
    env.update(
        ES_JAVA_HOME=str(java_home),
        ES_JAVA_OPTS=f"-Xms{settings.heap} -Xmx{settings.heap} {settings.java_opts}".strip(),
        ES_TMPDIR=str(paths.tmp),
    )
    env.pop("JAVA_TOOL_OPTIONS", None)
    command = [str(home / "bin" / "elasticsearch"), *_node_arguments(settings, port, paths)]
    with paths.console_log.open("w") as console:
        process = subprocess.Popen(
            command,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(home),
            start_new_session=True,  # survives the finnews command that started it
            user=owner[0] if owner else None,
            group=owner[1] if owner else None,
            extra_groups=[] if owner else None,
        )
    paths.pid_file.write_text(str(process.pid))
    if not quiet:
        url = f"http://127.0.0.1:{port}"
        print(f"Starting Elasticsearch {settings.version} at {url} (pid {process.pid}) …", flush=True)
        if node_root() != state_dir():
            print(
                f"The checkout is out of reach of the node's system user {SERVICE_USER} (a folder above it is "
                f"private), so the node's install and data are in {paths.home.parent} and {paths.data}.",
                flush=True,
            )
    return process


def stop(settings: ElasticsearchSettings | None = None, timeout: float = 60) -> str:
    """Stop the local node (every node of a local cluster): SIGTERM, then SIGKILL after ``timeout``."""
    settings = settings or elasticsearch_settings()
    if not settings.managed:
        return f"The cluster at {settings.url} is not managed by finnews; nothing to stop"
    running = {}
    for port in settings.local_ports:
        paths = node_paths(settings, port)
        pid = _read_pid(paths)
        if pid is None:
            paths.pid_file.unlink(missing_ok=True)
        else:
            os.killpg(pid, signal.SIGTERM)
            running[pid] = paths
    if not running:
        return "Elasticsearch is not running (no live pid file)"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_read_pid(paths) is not None for paths in running.values()):
        time.sleep(0.5)
    killed = []
    for pid, paths in running.items():
        if _read_pid(paths) is not None:
            os.killpg(pid, signal.SIGKILL)
            killed.append(pid)
        paths.pid_file.unlink(missing_ok=True)
    pids = ", ".join(map(str, running))
    if killed:
        return f"Elasticsearch (pid {pids}) did not stop within {timeout:.0f}s and was killed"
    return f"Elasticsearch (pid {pids}) stopped"
