"""``{% sparkline trend.series %}``: a small server-side SVG line of a trend's weekly share."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 160, 36, 3


@register.simple_tag
def sparkline(series, label=""):
    values = [float(p[2]) for p in series] or [0.0]
    top = max(values) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)
    points = [(PAD + i * step, HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD)) for i, v in enumerate(values)]
    description = _("%(label)s: from %(first)s to %(last)s per thousand entries a week over %(weeks)s weeks") % {
        "label": label, "first": f"{values[0]:g}", "last": f"{values[-1]:g}", "weeks": len(values),
    }
    area = f"{PAD},{HEIGHT - PAD} " + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + f" {points[-1][0]:.1f},{HEIGHT - PAD}"
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        '<polygon class="spark-area" points="{}"></polygon><polyline class="spark-line" points="{}"></polyline>'
        '<circle class="spark-dot" cx="{}" cy="{}" r="2.5"></circle></svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, description, area,
        " ".join(f"{x:.1f},{y:.1f}" for x, y in points), f"{points[-1][0]:.1f}", f"{points[-1][1]:.1f}",
    )


@register.simple_tag
def series_rows(series):
    return format_html_join("", "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>", ((p[0], p[1], p[2]) for p in series))
