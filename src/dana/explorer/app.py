"""The explorer's web application (Starlette): read-only pages over one :class:`DataStore`.

Routes (GET and HEAD only; anything else is 405)::

    /                                        choose an area
    /area?code=E06000031                     the form's target: redirects to the area
    /area/{code}                             spine chart and every indicator of the area
    /area/{code}/indicator/{indicator_id}    one indicator: figure, comparisons, trend,
                                             neighbours, funnel, every area ranked, metadata
    /area/{code}/report                      the area's needs assessment (the HTML report)
    /area/{code}/data/{key}.csv              any table of those pages as CSV
    /static/explorer.css, /static/report.js  the page style and the charts' script

Request parameters are checked against the data: an unknown area, indicator or table is a
404 page that names it (escaped), never a traceback; an unexpected failure is a 500 page
with no details (the traceback goes to the server's log). Every page is rendered by
Jinja2 with autoescaping and sent with a Content-Security-Policy allowing nothing from
outside this server (the report page, which inlines its own style and script, gets an
inline-only policy). Requests naming another Host are refused (DNS rebinding).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib import resources

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from dana.assess.model import BenchmarkResult
from dana.explorer import pages
from dana.explorer.store import DataStore
from dana.vocabulary import COMPARISON_LABELS

log = logging.getLogger("dana.explorer")

#: Hosts a browser on this computer names (the Host header is checked against these).
LOCAL_HOSTS = ("127.0.0.1", "localhost")
#: Longest request value echoed back in an error page.
_ECHO = 80
# The charts' SVG and the comparison badges style themselves inline; scripts come only
# from this server.
_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class _SecurityHeaders:
    """Add the security headers (and the default CSP) to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for key, value in {**_HEADERS, "Content-Security-Policy": _CSP}.items():
                    if key.lower().encode() not in names:
                        headers.append((key.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dana.explorer", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _echo(text: str) -> str:
    return text if len(text) <= _ECHO else text[:_ECHO] + "..."


def create_app(store: DataStore, *, allowed_hosts: Iterable[str] = LOCAL_HOSTS) -> Starlette:
    """The explorer application over ``store`` (one per server)."""
    env = _environment()
    legend = [pages.badge(BenchmarkResult("", "", None, c, 0.95)) for c in COMPARISON_LABELS]
    static = {
        "explorer.css": (
            resources.files("dana.explorer").joinpath("static/explorer.css").read_text(),
            "text/css; charset=utf-8",
        ),
        # the report's own chart script: tooltips and keyboard reading of every point
        "report.js": (
            resources.files("dana.render").joinpath("templates/report.js").read_text(),
            "text/javascript; charset=utf-8",
        ),
    }

    def render(template: str, status: int = 200, **context) -> HTMLResponse:
        snapshot = store.snapshot
        base = {
            "synthetic": bool(snapshot.national.synthetic_warning),
            "notice": store.notice,
            "licence": snapshot.national.licence,
            "disclosure": "",
            "read_at": f"{snapshot.read_at:%Y-%m-%d %H:%M:%S}",
            "crumbs": [],
            "charts_script": False,
        }
        html = env.get_template(template).render(**{**base, **context})
        return HTMLResponse(html, status_code=status)

    def not_found(what: str) -> HTTPException:
        return HTTPException(404, detail=what)

    def area_entry(request: Request):
        store.check()
        code = request.path_params["code"]
        snapshot = store.snapshot
        area = snapshot.find_area(code)
        if area is None:
            raise not_found(
                f"There is no area with the code \u201c{_echo(code)}\u201d in this data. "
                f"Areas are named by their GSS code, e.g. {snapshot.home.code} for "
                f"{snapshot.home.name}."
            )
        return area, store.area(code)

    def crumbs(area, *more):
        return [("Home", "/"), (area.name, pages.area_url(area.code)), *more]

    def home(request: Request):
        store.check()
        snapshot = store.snapshot
        regions: dict[str, list] = {}
        for a in snapshot.areas:
            regions.setdefault(a.region_name or "Other", []).append(
                {"code": a.code, "name": a.name, "url": pages.area_url(a.code)}
            )
        return render(
            "home.html.j2",
            page_title="Choose an area",
            regions=sorted(regions.items()),
            area_count=len(snapshot.areas),
            home=snapshot.home,
            home_url=pages.area_url(snapshot.home.code),
            home_report=f"{pages.area_url(snapshot.home.code)}/report",
        )

    def choose(request: Request):
        code = request.query_params.get("code", "").strip()
        if not code:
            return RedirectResponse("/", status_code=303)
        if store.snapshot.find_area(code) is None:
            raise not_found(f"There is no area with the code \u201c{_echo(code)}\u201d.")
        return RedirectResponse(pages.area_url(code), status_code=303)

    def area_page(request: Request):
        area, entry = area_entry(request)
        snapshot = store.snapshot
        return render(
            "area.html.j2",
            page_title=area.name,
            crumbs=[("Home", "/"), (area.name, None)],
            p=pages.area_page(entry, area.code),
            legend=legend,
            home=snapshot.home,
            is_home=area.code == snapshot.home.code,
            disclosure=entry.view.assessment.disclosure,
            synthetic=entry.view.assessment.synthetic,
            charts_script=True,
        )

    def indicator_page(request: Request):
        area, entry = area_entry(request)
        indicator_id = request.path_params["indicator_id"]
        page = entry.view.indicator(indicator_id)
        if page is None:
            raise not_found(
                f"{area.name} has no indicator \u201c{_echo(indicator_id)}\u201d in this "
                "assessment. Every indicator it has is listed on the area's page."
            )
        return render(
            "indicator.html.j2",
            page_title=f"{page.figure.name}: {area.name}",
            crumbs=crumbs(area, (page.figure.name, None)),
            p=pages.indicator_page(entry, area.code, page),
            area=area,
            disclosure=entry.view.assessment.disclosure,
            synthetic=entry.view.assessment.synthetic,
            charts_script=True,
        )

    def report_page(request: Request):
        _, entry = area_entry(request)
        html = pages.report_html(entry)
        return HTMLResponse(html, headers={"Content-Security-Policy": _REPORT_CSP})

    def download(request: Request):
        area, entry = area_entry(request)
        key = request.path_params["key"]
        found = pages.downloads(entry, key)
        if found is None:
            raise not_found(f"{area.name} has no table \u201c{_echo(key)}\u201d to download.")
        name, frame = found
        safe_name = "".join(c if c.isalnum() or c in "-._" else "-" for c in name)
        return Response(
            pages.csv_text(frame),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
        )

    def static_file(request: Request):
        name = request.path_params["name"]
        if name not in static:
            raise not_found(f"There is no file \u201c{_echo(name)}\u201d.")
        text, media = static[name]
        return Response(text, media_type=media, headers={"Cache-Control": "max-age=3600"})

    def http_error(request: Request, exc: HTTPException):
        status = exc.status_code
        if status == 405:
            message = "The explorer is read-only: pages can be read, not changed."
        elif status == 404 and exc.detail and exc.detail != "Not Found":
            message = exc.detail
        else:
            message = f"There is no page at \u201c{_echo(request.url.path)}\u201d."
        heading = {404: "Page not found", 405: "Not allowed"}.get(status, "Request not accepted")
        return render("error.html.j2", status, page_title=heading, heading=heading, message=message)

    def server_error(request: Request, exc: Exception):
        log.exception("dana serve: %s failed", request.url.path, exc_info=exc)
        return render(
            "error.html.j2",
            500,
            page_title="Something went wrong",
            heading="Something went wrong",
            message="The explorer could not make this page. The details are in the "
            "terminal running `dana serve`.",
        )

    get = ["GET", "HEAD"]
    routes = [
        Route("/", home, methods=get),
        Route("/area", choose, methods=get),
        Route("/area/{code}", area_page, methods=get),
        Route("/area/{code}/indicator/{indicator_id}", indicator_page, methods=get),
        Route("/area/{code}/report", report_page, methods=get),
        Route("/area/{code}/data/{key}.csv", download, methods=get),
        Route("/static/{name}", static_file, methods=get),
    ]
    hosts = list(allowed_hosts)
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(_SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
