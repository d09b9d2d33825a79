"""API operations of the exports module: download an export, scoped and audited like the page."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from pharos.api.security import requires
from pharos.exports.views import download

router = Router(tags=["exports"])

Format = Literal["htcds-csv", "htcds-xlsx", "ctdc", "hxl", "eurostat", "unodc", "sdmx"]


@router.get(
    "/exports/{fmt}",
    summary="Download an export",
    description="The file of one export format (CSV or XLSX) for what the caller may see; audited.",
)
@requires("exports.run")
def export_download(request: HttpRequest, fmt: Format) -> HttpResponse:
    return download(request, fmt)
