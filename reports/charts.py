"""Radar charts as SVG, drawn on the server (no browser, no JavaScript).

The same markup goes into the PDF (WeasyPrint renders inline SVG) and into the
comparison page. Each axis is one dimension, scaled to its own maximum, so a
dimension worth 15 points and one worth 25 compare as shares.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

FONT = "WenQuanYi Zen Hei, sans-serif"
# Colour-blind-safe (Okabe–Ito), at most five series.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
MAX_SERIES = len(COLOURS)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | Decimal | None]  # points per axis (None: not scored)


def _ratio(value, maximum) -> float:
    if value is None or not maximum:
        return 0.0
    return max(0.0, min(1.0, float(value) / float(maximum)))


def radar_svg(
    *,
    axes: Sequence[str],
    maxima: Sequence[float | Decimal],
    series: Sequence[Series],
    size: int = 320,
    title: str = "",
) -> str:
    """An SVG radar: one polygon per series (at most five), rings at 25/50/75/100 %, a legend below."""
    series = list(series)[:MAX_SERIES]
    n = len(axes)
    legend_rows = len(series)
    side = 90  # room left and right for the axis labels
    width = size + 2 * side
    cx, cy = width / 2, size / 2
    radius = size / 2 - 30
    height = size + 18 * legend_rows + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" role="img" aria-label="{escape(title or "雷达图")}" '
        f'font-family="{FONT}" font-size="11">'
    ]
    if n < 3:
        parts.append("</svg>")
        return "".join(parts)

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * ring) for i in range(n)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#c8c8c8" stroke-width="0.6"/>')
    for i, axis in enumerate(axes):
        x, y = point(i, radius)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c8c8c8" stroke-width="0.6"/>'
        )
        lx, ly = point(i, radius + 16)
        anchor = "middle" if abs(lx - cx) < 4 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" fill="#333">'
            f"{escape(axis)}（{_fmt(maxima[i])}）</text>"
        )
    for k, s in enumerate(series):
        colour = COLOURS[k]
        pts = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * _ratio(s.values[i], maxima[i])) for i in range(n))
        )
        parts.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="1.6"/>'
        )
        for i in range(n):
            x, y = point(i, radius * _ratio(s.values[i], maxima[i]))
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{colour}"/>')
    for k, s in enumerate(series):
        y = size + 6 + 18 * k
        x = side
        parts.append(f'<rect x="{x}" y="{y:.0f}" width="12" height="12" fill="{COLOURS[k]}" fill-opacity="0.6"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 10:.0f}" fill="#333">{escape(s.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value) -> str:
    number = Decimal(str(value)).normalize()
    return format(number, "f")
