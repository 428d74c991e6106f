"""The synthetic articles of ``bench/query.py``: a large, realistic-looking index written without
cleaning or tagging (see that file for what they are made of and why)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

MEDIA = (
    "中国证券报", "证券时报", "上海证券报", "证券日报", "新华网", "人民网", "财联社", "第一财经", "21世纪经济报道",
    "经济参考报", "每日经济新闻", "中国经营报", "界面新闻", "澎湃新闻", "央视新闻", "经济日报", "金融时报",
    "券商中国", "中国基金报", "东方财富研究中心", "新京报", "北京商报", "华夏时报", "中新经纬", "国际金融报",
    "投资快报", "财新网", "时代周报", "南方财经", "科创板日报",
)  # fmt: skip
FIRST_DAY, LAST_DAY = datetime(2019, 1, 1), datetime(2026, 11, 20)
SENTENCE_BANK = 100_000
DEVSET_FOLDERS = (ROOT / "bench" / "devset" / "texts", ROOT / "bench" / "devset" / "validation_texts")


# --- synthetic articles --------------------------------------------------------------------------


class Weighted:
    """Draws from ``values`` by weight (cumulative weights: one bisection per draw)."""

    def __init__(self, values: list[Any], weights: list[float]) -> None:
        self.values, self.cumulative = values, list(accumulate(weights))

    def draw(self, rng: random.Random, k: int = 1) -> list[Any]:
        return rng.choices(self.values, cum_weights=self.cumulative, k=k)


def long_tail(count: int, exponent: float = 1.1) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def dictionary_words() -> Weighted:
    """jieba's dictionary by frequency (the language's own long tail), words of two characters or more
    and the one-character function words."""
    import jieba

    values, weights = [], []
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isalnum() and not parts[0].isascii():
            values.append(parts[0])
            weights.append(float(parts[1]))
    return Weighted(values, weights)


def finance_words() -> Weighted:
    """The words of the development texts, by how often they occur there."""
    from tagging.extract import extract_article, parse_document
    from tagging.pages.page import decode_html
    from tagging.segment import words

    counts: Counter[str] = Counter()
    for folder in DEVSET_FOLDERS:
        for path in sorted(folder.iterdir()):
            try:
                text = extract_article(parse_document(decode_html(path.read_bytes()))).text
            except Exception:
                continue
            counts.update(word for word in words(text) if len(word) >= 2 and not word.isascii())
    values = list(counts)
    return Weighted(values, [counts[v] for v in values])


class Generator:
    """Synthetic indexed documents (see the module's description)."""

    def __init__(self, seed: int = 20261122) -> None:
        from tagging.linking.lexicon import load_lexicon
        from tagging.topics import load_taxonomy

        self.seed = seed
        self.general, self.finance = dictionary_words(), finance_words()
        lexicon, taxonomy = load_lexicon(), load_taxonomy()
        rng = random.Random(seed)
        topics = list(taxonomy.topics)
        rng.shuffle(topics)
        self.topics = Weighted(topics, long_tail(len(topics), 0.8))
        self.boards = lexicon.boards
        stocks = [(secid, name, security.code, security.exchange) for secid, (security, name) in lexicon.stocks.items()]
        rng.shuffle(stocks)
        stocks.append(("116.00700", "腾讯控股", "00700", "HK"))
        weights = [*long_tail(len(stocks) - 1, 1.0), 0.02]
        self.stocks = Weighted(stocks, weights)
        self.media = Weighted(list(MEDIA), long_tail(len(MEDIA), 0.9))
        days = (LAST_DAY - FIRST_DAY).days
        self.days = Weighted(list(range(days + 1)), [1 + 3 * day / days for day in range(days + 1)])

        # Sentences are drawn once into a bank (word by word, by frequency) and articles are made of
        # sentences from it with their names and keywords put in: a million articles in minutes.
        self.bank = [self.sentence(rng) for _ in range(SENTENCE_BANK)]

    def sentence(self, rng: random.Random) -> tuple[str, str]:
        """A sentence as text and as indexed words."""
        words = self.general.draw(rng, rng.randint(8, 16)) + self.finance.draw(rng, rng.randint(3, 7))
        rng.shuffle(words)
        return "".join(words), " ".join(word.lower() for word in words)

    def document(self, number: int) -> dict[str, Any]:
        from store import dedup

        rng = random.Random(self.seed * 1_000_003 + number)
        topics = list({t.id: t for t in self.topics.draw(rng, rng.choice((1, 1, 2)))}.values())
        boards = {}
        for topic in topics:
            for code in rng.sample(topic.boards, min(len(topic.boards), rng.choice((0, 1, 1, 2)))):
                if code in self.boards:
                    boards[code] = self.boards[code].name
        stocks = {s[0]: s for s in self.stocks.draw(rng, rng.choice((0, 1, 1, 2, 3)))}
        names = [*boards.values(), *(s[1] for s in stocks.values())]
        keywords = [rng.choice(t.keywords) for t in topics if t.keywords]
        inserts = [*names, *keywords] or [""]
        _title_text, title_words = rng.choice(self.bank)
        cut = rng.randint(5, 9)
        title_words = title_words.split()[:cut]
        lead = inserts[0]
        title = lead + "".join(title_words)
        lines = []
        for _ in range(rng.randint(3, 8)):
            pieces = []
            for text, _words in rng.choices(self.bank, k=rng.randint(1, 5)):
                word = rng.choice(inserts) if rng.random() < 0.5 else ""
                pieces.append(word + text)
            lines.append("，".join(pieces) + "。")
        text = "\n".join(lines)
        mentions = []
        for name in names:
            start = text.find(name)
            if start >= 0:
                kind = "board" if name in boards.values() else "stock"
                mentions.append(
                    {"secid": "", "kind": kind, "text": name, "start": start, "end": start + len(name), "where": "body"}
                )
        day = FIRST_DAY + timedelta(days=self.days.draw(rng)[0], minutes=rng.randint(7 * 60, 22 * 60))
        doc_id = f"{self.seed:08x}{number:032x}"
        fingerprint = f"{rng.getrandbits(64):016x}"
        published = day.isoformat() + "+08:00"
        return {
            "id": doc_id,
            "url": f"https://finance.eastmoney.com/a/{day:%Y%m%d}{number:010d}.html",
            "source": "eastmoney",
            "title": title,
            "text": text,
            "digest": lines[0][:120],
            "media": self.media.draw(rng)[0],
            "author": None,
            "category": None,
            "tags": [],
            "published_at": published,
            "crawled_at": published,
            "updated_at": None,
            "content_hash": f"{rng.getrandbits(160):040x}",
            "fingerprint": fingerprint,
            "fp_bands": dedup.bands(fingerprint),
            "dup_of": None,
            "dup_group": doc_id,
            "boards": [{"secid": f"90.{code}", "code": code, "name": name} for code, name in boards.items()],
            "stocks": [
                {"secid": secid, "code": code, "name": name, "exchange": exchange}
                for secid, name, code, exchange in stocks.values()
            ],
            "topics": [{"id": t.id, "name": t.name, "name_en": t.name_en} for t in topics],
            "keywords": list(dict.fromkeys(keywords + self.finance.draw(rng, 4))),
            "mentions": mentions,
            "instruments": [],
            "body_source": "layout:eastmoney",
        }
