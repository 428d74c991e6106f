"""The topic taxonomy of ``configs/topics.yaml``: curated topics over boards and keywords."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from core.config import ConfigError, check_keys, config_dir, expect_strings, expect_text, load_yaml, mapping_entries
from core.settings import configured

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_LEVEL_KEYS = ("version", "topics")
TOPIC_KEYS = ("id", "name", "name_en", "boards", "keywords")


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    name_en: str
    boards: tuple[str, ...]
    keywords: tuple[str, ...]

    def as_tag(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "name_en": self.name_en}


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]

    @cached_property
    def by_board(self) -> dict[str, list[Topic]]:
        return self._index("boards")

    @cached_property
    def by_keyword(self) -> dict[str, list[Topic]]:
        return self._index("keywords")

    def _index(self, attribute: str) -> dict[str, list[Topic]]:
        """The topics by each of their boards or keywords."""
        index: dict[str, list[Topic]] = {}
        for topic in self.topics:
            for key in getattr(topic, attribute):
                index.setdefault(key, []).append(topic)
        return index

    def find(self, key: str) -> Topic | None:
        """A topic by id, Chinese name or English name (case-insensitive)."""
        key = key.strip().lower()
        for topic in self.topics:
            if key in (topic.id, topic.name.lower(), topic.name_en.lower()):
                return topic
        return None


def parse_taxonomy(data: object, path: str = "topics.yaml") -> Taxonomy:
    """Validate the structure of a taxonomy document (codes are checked by :func:`check_taxonomy`)."""
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise ConfigError(f"{path}: expected a mapping with a 'topics' list")
    check_keys(path, data, TOP_LEVEL_KEYS)
    topics = []
    for where, entry in mapping_entries(path, data["topics"], "topics", TOPIC_KEYS):
        for key in ("id", "name", "name_en"):
            expect_text(entry, key, where)
        if not _ID_RE.match(entry["id"]):
            raise ConfigError(f"{where}.id: {entry['id']!r} is not lower-case snake_case")
        boards = tuple(code.upper() for code in expect_strings(entry.get("boards"), f"{where}.boards"))
        keywords = expect_strings(entry.get("keywords"), f"{where}.keywords")
        topics.append(Topic(entry["id"], entry["name"].strip(), entry["name_en"].strip(), boards, keywords))
    return Taxonomy(tuple(topics))


@configured()
def load_taxonomy() -> Taxonomy:
    return parse_taxonomy(load_yaml("topics.yaml"), str(config_dir() / "topics.yaml"))


def check_taxonomy(
    taxonomy: Taxonomy,
    boards: dict[str, object],
    board_types: dict[str, str],
    pseudo_boards: set[str],
    required_boards: set[str] = frozenset(),
) -> list[str]:
    """Problems with a taxonomy: unknown codes, unmapped industry (or required) boards, duplicates,
    pseudo-boards used as topics. An empty list means the taxonomy is sound."""
    problems = []
    for field_name in ("id", "name", "name_en"):
        counts = Counter(getattr(t, field_name) for t in taxonomy.topics)
        problems += [f"duplicate topic {field_name}: {v}" for v, n in counts.items() if n > 1]
    mapped: set[str] = set()
    for topic in taxonomy.topics:
        for code, n in Counter(topic.boards).items():
            if n > 1:
                problems.append(f"topic {topic.id}: board {code} listed {n} times")
        for code in topic.boards:
            if code not in boards:
                problems.append(f"topic {topic.id}: unknown board code {code}")
            elif code in pseudo_boards:
                problems.append(f"topic {topic.id}: {code} is a style/index/region board, not a topic")
        for keyword, n in Counter(topic.keywords).items():
            if n > 1:
                problems.append(f"topic {topic.id}: keyword {keyword} listed {n} times")
        mapped.update(topic.boards)
    for code, kind in sorted(board_types.items()):
        if kind == "industry" and code not in mapped:
            problems.append(f"industry board {code} is in no topic")
    for code in sorted(required_boards - mapped):
        problems.append(f"board {code} (seen in articles) is in no topic")
    return problems
