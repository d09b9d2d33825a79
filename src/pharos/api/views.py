"""The API reference page: the OpenAPI schema rendered as an accessible, translatable page.

Swagger UI (what django-ninja ships) fails WCAG checks that matter to our users (contrast,
target size, interactive elements nested in buttons), so the human-readable reference is a
server-rendered page over the same schema; the schema itself stays at /api/openapi.json.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pharos.core.declare import public

_METHODS = ("get", "post", "put", "patch", "delete")


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            if method not in item:
                continue
            op = item[method]
            operations.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or ["api"])[0],
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "where": p.get("in"),
                            "required": p.get("required", False),
                            "type": p.get("schema", {}).get("type", ""),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "has_body": "requestBody" in op,
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return operations


@public
@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    from pharos.api.urls import api

    schema = api.get_openapi_schema()
    operations = _operations(schema)
    tags = sorted({op["tag"] for op in operations})
    return render(
        request,
        "api/docs.html",
        {"info": schema.get("info", {}), "operations": operations, "tags": tags},
    )
