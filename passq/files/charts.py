"""The page's pictures, drawn by matplotlib as SVG text to put inline (imported only by
`report --html`). Readable in black and white: each series has its own hatch or marker, and
each bar, line and marker group carries an id (`gid`) that the browser test counts."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from passq.domain.outlook import DayPoint, FlightDay, PlanPoint
from passq.i18n import _, format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Half the width of an A4 page inside its margins (two charts a row), in inches.
WIDTH, HEIGHT = 3.5, 2.1
GREY, DARK = "#9a9a9a", "#222222"
# Past this many points a line's markers are thinned out to about this many.
MARKERS = 40


def _setup() -> None:
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: the page's fonts, no glyph paths
            "svg.hashsalt": "passq",  # the same ids at every run
            "font.family": "sans-serif",
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "hatch.linewidth": 0.6,
            "legend.frameon": False,
        }
    )


def _figure(height: float = HEIGHT) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    return figure, figure.add_subplot()


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    # No metadata block (RDF namespaces, a link to matplotlib): nothing but the picture.
    figure.savefig(
        out, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None}
    )
    text = out.getvalue()
    # Inline in HTML: drop the XML prolog and doctype, keep the <svg> element.
    return text[text.index("<svg") :]


def _day_axis(axes: Axes, days: Sequence[date]) -> None:
    """Days along x (ordinals): dd/mm, or mm/yyyy over a long span; few ticks, none between
    two days."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    span = (max(days) - min(days)).days if days else 0
    axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))

    def label(x: float, _pos: int | None) -> str:
        if x < 1:
            return ""
        day = date.fromordinal(int(x))
        return f"{day.month:02d}/{day.year}" if span > 120 else f"{day.day:02d}/{day.month:02d}"

    axes.xaxis.set_major_formatter(FuncFormatter(label))
    _count_axis(axes.yaxis)
    if days:
        axes.set_xlim(min(days).toordinal() - 0.7, max(days).toordinal() + 0.7)


def _count_axis(axis: Any) -> None:
    """Whole numbers only, grouped as the reader writes them."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(int(v))))


def _legend(axes: Axes) -> None:
    """Above the plot, so that it hides no bar or point."""
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=6.5,
                borderaxespad=0.2, handlelength=2.2, columnspacing=1.0)  # fmt: skip


def backlog_chart(days: Sequence[DayPoint], outlook: Sequence[PlanPoint]) -> str:
    """The backlog at each past day's end, then as planned to the clearing day, with and
    without the overtime the plan asks for; closed days shaded."""
    _setup()
    figure, axes = _figure()
    past = [d.day.toordinal() for d in days]
    axes.plot(past, [d.pending_end for d in days], "o-", color=DARK, lw=1.6, ms=4,
              label=_("At day end"), gid="line-backlog")  # fmt: skip
    if outlook:
        # Drawn from the last point shown: a past day's end, or now (today's plan first drops
        # by what is left of today's capacity).
        ahead = [days[-1].day.toordinal()] + [p.day.toordinal() for p in outlook]
        start = [days[-1].pending_end]
        every = max(1, len(outlook) // MARKERS)
        axes.plot(ahead, start + [p.backlog for p in outlook], "s--", color=DARK, lw=1.2,
                  ms=3, markevery=every, label=_("Planned"),
                  gid="line-planned")  # fmt: skip
        if any(p.with_overtime != p.backlog for p in outlook):
            axes.plot(ahead, start + [p.with_overtime for p in outlook], "^:", color=GREY,
                      lw=1.4, ms=4, markevery=every, label=_("With the overtime asked for"),
                      gid="line-overtime")  # fmt: skip
    _shade_closed(axes, [(d.day, d.capacity) for d in days] +
                  [(p.day, p.capacity) for p in outlook])  # fmt: skip
    _day_axis(axes, [d.day for d in days] + [p.day for p in outlook])
    axes.set_ylim(bottom=0)
    axes.set_ylabel(_("Books waiting"))
    _legend(axes)
    return _svg(figure)


def _shade_closed(axes: Axes, days: Sequence[tuple[date, int]]) -> None:
    closed = [day for day, capacity in days if capacity == 0]
    if len(days) > 120:  # a long outlook: weekends would grey it all out
        return
    for number, day in enumerate(closed):
        axes.axvspan(day.toordinal() - 0.5, day.toordinal() + 0.5, facecolor="none",
                     edgecolor=GREY, hatch="...", lw=0, gid=f"closed-{number}",
                     label=_("Closed day") if number == 0 else None)  # fmt: skip


def printed_chart(days: Sequence[DayPoint], outlook: Sequence[PlanPoint]) -> str:
    """Printed per day (bars) against capacity (a step line); the plan's next print days as
    outlined bars; closed days marked."""
    _setup()
    figure, axes = _figure()
    x = [d.day.toordinal() for d in days]
    bars = axes.bar(x, [d.printed for d in days], width=0.7, color="white", edgecolor=DARK,
                    hatch="////", label=_("Printed"))  # fmt: skip
    for number, bar in enumerate(bars):
        bar.set_gid(f"bar-printed-{number}")
    last = days[-1]
    befores = [last.pending_end] + [p.backlog for p in outlook]
    # Today's plan (the rest of its capacity) stands on what today printed already.
    ahead = [
        (p, before - p.backlog)
        for p, before in zip(outlook, befores, strict=False)
        if p.day >= last.day
    ][:15]
    shown = [(p, n) for p, n in ahead if n > 0]
    bars = axes.bar([p.day.toordinal() for p, _n in shown], [n for _p, n in shown], width=0.7,
                    bottom=[last.printed if p.day == last.day else 0 for p, _n in shown],
                    color="#dddddd", edgecolor=GREY, label=_("Planned"))  # fmt: skip
    for number, bar in enumerate(bars):
        bar.set_gid(f"bar-planned-{number}")
    span = list(days) + [
        DayPoint(p.day, 0, p.capacity, p.backlog) for p, _n in ahead if p.day > last.day
    ]
    axes.hlines([d.capacity for d in span], [d.day.toordinal() - 0.45 for d in span],
                [d.day.toordinal() + 0.45 for d in span], colors=DARK, lw=1.8,
                label=_("Capacity"), gid="capacity")  # fmt: skip
    for d in span:
        if d.capacity == 0:
            axes.annotate(_("closed"), (d.day.toordinal(), 0), xytext=(0, 3), fontsize=6,
                          textcoords="offset points", ha="center", rotation=90,
                          va="bottom")  # fmt: skip
    _day_axis(axes, [d.day for d in span])
    axes.set_ylabel(_("Books"))
    _legend(axes)
    return _svg(figure)


def flights_chart(flights: Sequence[FlightDay]) -> str:
    """The pending travellers by travel day, stacked: kept, will miss, no print day left."""
    _setup()
    figure, axes = _figure()
    x = [f.travel.toordinal() for f in flights]
    bottom = [0] * len(flights)
    series = (
        ("kept", _("Kept"), "white", "////", DARK),
        ("will_miss", _("Will miss their flight"), DARK, "", DARK),
        ("no_print_day", _("No print day left before the flight"), "white", "xxx", GREY),
    )
    for key, label, colour, hatch, edge in series:
        heights = [getattr(f, key) for f in flights]
        drawn = [(day, h, b) for day, h, b in zip(x, heights, bottom, strict=True) if h]
        if drawn:
            bars = axes.bar([d for d, _h, _b in drawn], [h for _d, h, _b in drawn],
                            bottom=[b for _d, _h, b in drawn], width=0.7, color=colour,
                            hatch=hatch, edgecolor=edge, label=label)  # fmt: skip
            for number, bar in enumerate(bars):
                bar.set_gid(f"bar-{key}-{number}")
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if flights:
        first = flights[0].travel
        _day_axis(axes, [first, max(f.travel for f in flights), first + timedelta(days=13)])
    axes.set_ylabel(_("Travellers"))
    _legend(axes)
    return _svg(figure)


def operators_chart(by_operator: dict[str, int]) -> str:
    """Printed per operator, horizontal bars, most first."""
    _setup()
    ranked = sorted(by_operator.items(), key=lambda item: (-item[1], item[0]))
    figure, axes = _figure(max(1.1, 0.5 + 0.25 * len(ranked)))
    names = [name for name, _n in ranked][::-1]
    counts = [n for _name, n in ranked][::-1]
    bars = axes.barh(names, counts, height=0.6, color="white", edgecolor=DARK, hatch="////")
    axes.set_ylim(-0.7, len(ranked) - 0.3)
    for number, bar in enumerate(bars):
        bar.set_gid(f"bar-operator-{number}")
    axes.bar_label(bars, labels=[format_number(n) for n in counts], padding=3, fontsize=7)
    _count_axis(axes.xaxis)
    axes.set_xlabel(_("Books printed"))
    axes.margins(x=0.12)
    return _svg(figure)
