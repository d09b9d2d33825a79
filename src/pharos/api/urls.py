"""The REST API under /api/: one NinjaAPI, routers from each module."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Pharos API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
