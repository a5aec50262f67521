"""考核 charts as server-rendered SVG (no JavaScript, no chart library): horizontal bars of a rate, each labelled
with its rate and the counts behind it; a rate over too few items is drawn pale and marked 样本不足."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

LABEL_W, BAR_W, CAPTION_W, ROW_H, TOP = 150, 300, 190, 28, 40


@dataclass(frozen=True)
class Bar:
    """One bar: what it is (a unit, a month), its rate (0–1; None when nothing was counted), the counts behind it."""

    label: str
    rate: float | None
    caption: str  # e.g. "12/15件"
    insufficient: bool = False
    shown: str | None = None  # the value as written beside the bar, when not a percentage (a count: "12件")


def _text(x: float, y: float, body: str, anchor: str = "start", css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}"{klass}>{escape(body)}</text>'


def _row(n: int, bar: Bar) -> str:
    y = TOP + n * ROW_H
    width = 0.0 if bar.rate is None else max(0.0, min(1.0, bar.rate)) * BAR_W
    shown = bar.shown or ("—" if bar.rate is None else f"{bar.rate:.1%}")
    caption = (f"{shown} （{bar.caption}）" if bar.caption else shown) + ("  样本不足" if bar.insufficient else "")
    klass = "bar thin" if bar.insufficient else "bar"
    return "".join(
        (
            f'<g class="row"><title>{escape(bar.label)}: {escape(caption)}</title>',
            _text(LABEL_W - 8, y + 18, bar.label, "end", "label"),
            f'<rect class="track" x="{LABEL_W}" y="{y + 5}" width="{BAR_W}" height="{ROW_H - 10}"/>',
            f'<rect class="{klass}" x="{LABEL_W}" y="{y + 5}" width="{width:.1f}" height="{ROW_H - 10}"/>',
            _text(LABEL_W + BAR_W + 8, y + 18, caption, css="caption"),
            "</g>",
        )
    )


def count_bars(counts: dict[str, int]) -> list[Bar]:
    """Bars of counts, each as long as its share of the largest."""
    top = max(counts.values(), default=0) or 1
    return [Bar(label, n / top, "", shown=f"{n}件") for label, n in counts.items()]


def bar_chart(title: str, bars: list[Bar], percent: bool = True) -> Markup:
    """An SVG bar chart, one labelled bar a row (rates on a 0–100% axis; counts without one); an empty chart says
    so."""
    if not bars:
        return Markup(f'<p class="muted chart-empty">{escape(title)}：本期无计入事项</p>')
    width, height = LABEL_W + BAR_W + CAPTION_W, TOP + len(bars) * ROW_H + 10
    ticks = (0, 0.5, 1) if percent else ()
    axis = "".join(_text(LABEL_W + BAR_W * share, TOP - 6, f"{share:.0%}", "middle", "axis") for share in ticks)
    rows = "".join(_row(n, bar) for n, bar in enumerate(bars))
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{_text(0, 14, title, css='chart-title')}{axis}{rows}</svg>"
    )
