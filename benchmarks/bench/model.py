"""A result row, and the targets of issue 6 it is checked against."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    text: str
    max_ratio: float | None = None
    max_value: float | None = None

    def check(self, ratio: float | None, value: float | None = None) -> str:
        if self.max_ratio is not None:
            return "—" if ratio is None else ("PASS" if ratio <= self.max_ratio else "MISS")
        if self.max_value is not None:
            return "—" if value is None else ("PASS" if value <= self.max_value else "MISS")
        return "—"


NO_TARGET = Target("—")
#: Targets of issue 6 (section 3). "≥5× faster than rdflib" is a ratio of at most 0.2.
TARGETS = {
    ("load_store", "pyoxigraph"): Target("≤1.2×", max_ratio=1.2),
    ("load_memory", "pyoxigraph"): Target("≤1.2×", max_ratio=1.2),
    ("load_memory", "rdflib"): Target("≥5× faster (≤0.2×)", max_ratio=0.2),
    ("sparql", "pyoxigraph"): Target("≤1.2×", max_ratio=1.2),
    ("sparql", "rdflib"): Target("≥5× faster (≤0.2×)", max_ratio=0.2),
    ("projection", "networkx"): Target("≤2×", max_ratio=2.0),
    ("rss", "loaded+projected"): Target("≤1200 MB", max_value=1200),
}


@dataclass
class Row:
    step: str
    baseline: str
    graphkit_s: float | None = None
    baseline_s: float | None = None
    target: str = "—"
    status: str = "—"
    note: str = ""
    rss_mb: float | None = None
    baseline_rss_mb: float | None = None
    runs: dict[str, list[float]] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.graphkit_s and self.baseline_s:
            return self.graphkit_s / self.baseline_s
        return None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 4)
        return data


def target_for(step: str, baseline: str) -> Target:
    family = "sparql" if step.startswith("sparql") else step
    return TARGETS.get((family, baseline), NO_TARGET)
