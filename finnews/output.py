"""What several commands write the same way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.masking import mask_credentials


def write_stats_json(path: Path, stats: dict[str, Any]) -> None:
    """Machine-readable stats for schedulers and run records (datetimes as ISO strings)."""
    path.write_text(mask_credentials(json.dumps(stats, default=str, ensure_ascii=False, indent=1)), encoding="utf-8")
