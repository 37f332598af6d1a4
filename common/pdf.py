"""PDFs rendered from the app's own HTML, with no network access at all.

WeasyPrint would fetch stylesheets and images over HTTP from the page's base
URL; here every ``/static/`` URL is read from the local static files instead,
and anything else is refused, so a PDF never makes a request.
"""

import mimetypes
from pathlib import Path
from urllib.parse import urlparse

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from weasyprint.urls import URLFetcherResponse

BASE_URL = "https://pdf.invalid/"


def _local_static(url: str) -> URLFetcherResponse:
    path = urlparse(url).path
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not path.startswith(prefix):
        raise ValueError(f"PDFs only load this site's static files, not {url!r}")
    relative = path.removeprefix(prefix)
    found = finders.find(relative) or str(Path(settings.STATIC_ROOT) / relative)
    if not found or not Path(found).is_file():
        raise ValueError(f"No static file {relative!r}")
    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return URLFetcherResponse(
        url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
    )


def html_to_pdf(html: str) -> bytes:
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_local_static).write_pdf()


def pdf_response(html: str, filename: str) -> HttpResponse:
    """The page as a PDF download, never kept by a browser or proxy cache."""
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
