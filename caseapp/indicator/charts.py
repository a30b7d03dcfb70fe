"""Server-rendered SVG charts: pure functions from plain data to escaped SVG markup.

No script and no external resource, so the same markup works in the page (under a strict
CSP) and inline in a PDF rendered by WeasyPrint. Colours are attributes, not CSS classes,
for the same reason. Each chart has a <title> and <desc> and ``role="img"``; the pages show
a data table beside every chart for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from caseapp.indicator.queries import IndicatorResult

WIDTH = 640
BAR_COLOUR = "#1e6b34"
BELOW_COLOUR = "#a0141e"
LINE_COLOUR = "#0b4fa8"
TARGET_COLOUR = "#8a5a00"
AXIS_COLOUR = "#5b5b66"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a rate from 0 to 1; None when there is nothing to measure
    below_target: bool = False


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None


def _pct(v: float) -> str:
    return f"{v * 100:.0f}%"


def _head(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _y_axis(parts: list[str], left: int, top: int, plot_h: int, right: int) -> None:
    for step in (0.0, 0.5, 1.0):
        y = top + plot_h - step * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     f'stroke="#d5d7dd" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                     f'text-anchor="end" fill="{AXIS_COLOUR}">{_pct(step)}</text>')


def _target_line(parts: list[str], target: float, left: int, right: int, top: int,
                 plot_h: int, label: str) -> None:
    y = top + plot_h - min(max(target, 0.0), 1.0) * plot_h
    parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                 f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>')
    parts.append(f'<text x="{right}" y="{y - 4:.1f}" font-size="11" text-anchor="end" '
                 f'fill="{TARGET_COLOUR}">{escape(label)} {_pct(target)}</text>')


def bar_chart(chart_id: str, title: str, desc: str, bars: list[Bar], target: float,
              target_label: str, no_data_label: str = "-") -> Markup:
    """Vertical bars of rates with a dashed target line; bars below target in red."""
    left, top, right, plot_h = 44, 16, WIDTH - 8, 180
    height = top + plot_h + 60
    parts = _head(chart_id, title, desc, height)
    _y_axis(parts, left, top, plot_h, right)
    n = max(len(bars), 1)
    slot = (right - left) / n
    bar_w = max(min(slot * 0.6, 60), 4)
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        cx = left + i * slot + slot / 2
        label = escape(bar.label)
        if bar.value is None:
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h - 4}" font-size="11" '
                         f'text-anchor="middle" fill="{AXIS_COLOUR}">{escape(no_data_label)}'
                         '</text>')
        else:
            h = min(max(bar.value, 0.0), 1.0) * plot_h
            colour = BELOW_COLOUR if bar.below_target else BAR_COLOUR
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{label}: '
                         f'{_pct(bar.value)}</title></rect>')
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h - h - 4:.1f}" font-size="11" '
                         f'text-anchor="middle">{_pct(bar.value)}'
                         f'{" !" if bar.below_target else ""}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" font-size="11" '
                     f'text-anchor="middle">{label}</text>')
    _target_line(parts, target, left, right, top, plot_h, target_label)
    parts.append("</svg>")
    # Every text and attribute is escaped above.
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def line_chart(chart_id: str, title: str, desc: str, points: list[Point], target: float,
               target_label: str) -> Markup:
    """A line of rates over time with a dashed target line; gaps where a value is None."""
    left, top, right, plot_h = 44, 16, WIDTH - 8, 180
    height = top + plot_h + 40
    parts = _head(chart_id, title, desc, height)
    _y_axis(parts, left, top, plot_h, right)
    n = len(points)
    step = (right - left) / max(n - 1, 1)
    coords: list[tuple[float, float] | None] = []
    for i, p in enumerate(points):
        x = left + i * step if n > 1 else (left + right) / 2
        coords.append(None if p.value is None
                      else (x, top + plot_h - min(max(p.value, 0.0), 1.0) * plot_h))
    segment: list[str] = []
    for c in [*coords, None]:
        if c is None:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" fill="none" '
                             f'stroke="{LINE_COLOUR}" stroke-width="2"/>')
            segment = []
        else:
            segment.append(f"{c[0]:.1f},{c[1]:.1f}")
    label_every = max(1, n // 12)
    for i, (p, c) in enumerate(zip(points, coords, strict=True)):
        if c is not None:
            parts.append(f'<circle cx="{c[0]:.1f}" cy="{c[1]:.1f}" r="3" fill="{LINE_COLOUR}">'
                         f'<title>{escape(p.label)}: {_pct(p.value or 0.0)}</title></circle>')
        if i % label_every == 0 or i == n - 1:
            x = left + i * step if n > 1 else (left + right) / 2
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="10" '
                         f'text-anchor="middle">{escape(p.label)}</text>')
    _target_line(parts, target, left, right, top, plot_h, target_label)
    parts.append("</svg>")
    # Every text and attribute is escaped above.
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def indicator_charts(res: IndicatorResult) -> dict[str, Markup]:
    """The SVG charts of an indicator result (also used by the periodic report)."""
    from flask_babel import gettext as _

    target_label = _("Target")
    unit_chart = bar_chart(
        f"units-{res.unit_code}", _("Service access by unit"),
        _("Share of detected victims who accessed at least one service, per unit, "
          "with the target line. Units below target are in red."),
        [Bar(u.code, u.figures.rate, res.below_target(u.figures)) for u in res.by_unit],
        res.target, target_label, _("no cases"),
    )
    trend_chart = line_chart(
        f"trend-{res.unit_code}", _("Monthly trend (cumulative)"),
        _("Share of detected victims who accessed a service, cumulative from the start "
          "of the period to the end of each month, with the target line."),
        [Point(p.month_end.strftime("%m/%Y"), p.figures.rate) for p in res.trend],
        res.target, target_label,
    )
    return {"unit_chart": unit_chart, "trend_chart": trend_chart}
