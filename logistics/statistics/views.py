"""The coordinator's dashboard (DESIGN §7.3 ``/dashboard/``) and the monthly report as PDF.

Both show ``content.content_for``: the figures of ``figures`` with small counts hidden. A
fixed number of queries, whatever the number of referrals (tested); the dashboard's are kept
between requests until the counts change (``kept_figures``)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from logistics.statistics import charts, content, figures, kept_figures, report
from logistics.statistics.forms import DashboardFilterForm, ReportForm, report_query

EXPORT_FORMATS = ("csv", "xlsx", "json")
API_PATH = "/api/v1/stats/distribution/"  # DESIGN §7.2
PERMISSION = "logistics.view_statistics"


def _section(data: content.Content, grouping: str, query: dict) -> dict:
    chart = data.chart(grouping)
    svg = None
    if not chart.empty:
        svg = mark_safe(charts.to_svg(  # noqa: S308 - our drawing; text escaped by the writer
            charts.draw(chart, with_title=False), key=chart.key, title=chart.title,
            description=_("The numbers are in the table below the chart.")))
    table = data.tables[grouping]
    return {"grouping": grouping, "title": chart.title, "svg": svg,
            "rows": [(row.keys[0].name, [row.counts[m] for m in table.measures])
                     for row in table.rows],
            "totals": [table.totals[m] for m in table.measures],
            "label": str(figures.GROUPING_LABELS[grouping]).capitalize(),
            # The largest groups only: the note says so and links the export of them all.
            "folded": data.folded.get(grouping, 0), "largest": content.LARGEST,
            "export": _export_url(query, grouping, "csv")}


def _export_url(query: dict, grouping: str, kind: str) -> str:
    return f"{API_PATH}?{urlencode({**query, 'group_by': grouping, 'format': kind})}"


def _downloads(query: dict) -> list[dict]:
    return [{"label": content.chart_title(grouping), "links": [
        (kind.upper(), _export_url(query, grouping, kind)) for kind in EXPORT_FORMATS]}
        for grouping in content.TABLES]


@login_required
@permission_required(PERMISSION, raise_exception=True)
def dashboard(request):
    """Key figures, referrals by status, the four tables with their charts, items issued, low
    stock, downloads and definitions, for a period of months and a municipality."""
    municipalities = figures.municipalities()
    form = DashboardFilterForm(request.GET, municipalities=municipalities)
    report_form = ReportForm(None, municipalities=municipalities)
    if not form.is_valid():
        return render(request, "logistics/statistics/dashboard.html",
                      {"form": form, "report_form": report_form}, status=400)
    period, municipality = form.cleaned_data["period"], form.cleaned_data["municipality"]
    query = form.query()
    shown = kept_figures.kept(
        ("dashboard", tuple(sorted(query.items())), get_language()),
        lambda: _figures_shown(period, municipality, municipalities, query))
    lang = "en" if get_language() == "en" else "nl"
    return render(request, "logistics/statistics/dashboard.html", {
        **shown,
        "form": form,
        "report_form": report_form,
        "measures": [figures.MEASURE_LABELS[measure] for measure in figures.MEASURES],
        "low_stock": figures.stock(request.user, low=True),
        "definitions": list(figures.DEFINITIONS.values()),
        "downloads": _downloads(query),
        "report_query": report_query(period, municipality, lang),
    })


def _figures_shown(period: figures.Period, municipality, municipalities,
                   query: dict) -> dict:
    """What the dashboard shows of the kept counts, drawn: kept between requests until they
    change (``kept_figures``), in the language of the request."""
    data = content.content_for(period, municipality, municipalities)
    return {
        "data": data,
        "statuses": [(content.status_label(status), count)
                     for status, count in data.by_status.items()],
        "sections": [_section(data, grouping, query) for grouping in content.TABLES],
        "items_issued": figures.items_issued(period, municipality=municipality),
    }


@login_required
@permission_required(PERMISSION, raise_exception=True)
def report_pdf(request):
    """``?month=2026-10`` (or ``quarter=2026-Q4``), ``municipality=GM0344`` (or ``unknown``;
    empty for all), ``lang=nl|en``; by default last month, all municipalities, Dutch."""
    municipalities = figures.municipalities()
    form = ReportForm(request.GET, municipalities=municipalities)
    if not form.is_valid():
        return render(request, "logistics/statistics/report_form.html",
                      {"report_form": form}, status=400)
    period, municipality = form.cleaned_data["period"], form.cleaned_data["municipality"]
    pdf = report.render_report(period, municipality, form.cleaned_data["lang"])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{report.filename(period, municipality)}"')
    return response
