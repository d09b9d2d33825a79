"""API operations of the releases module: the organisation's releases, as on the pages (twin of
the UI). The published releases are public as pages and files under /publications/."""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from pharos.api.security import requires
from pharos.releases import queries
from pharos.releases.models import Release

router = Router(tags=["releases"])


class FileOut(Schema):
    name: str
    media_type: str
    sha256: str
    size: int
    public: bool


class ReleaseOut(Schema):
    public_id: uuid.UUID
    title: str
    version: int
    method: str
    status: str
    parameters: dict[str, Any]
    content_hash: str
    citation: str
    built_at: datetime | None
    published_at: datetime | None
    files: list[FileOut]
    summary: dict[str, Any]


def release_out(release: Release) -> dict[str, Any]:
    return {
        "public_id": release.public_id,
        "title": release.title,
        "version": release.version,
        "method": release.method,
        "status": release.status,
        "parameters": release.parameters,
        "content_hash": release.content_hash,
        "citation": queries.citation(release) if release.content_hash else "",
        "built_at": release.built_at,
        "published_at": release.published_at,
        "files": [
            {
                "name": f.name,
                "media_type": f.media_type,
                "sha256": f.sha256,
                "size": f.size,
                "public": f.public,
            }
            for f in release.files.all()
        ],
        "summary": release.summary,
    }


@router.get("/releases", response=list[ReleaseOut], summary="List the organisation's releases")
@requires("releases.view")
def release_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [release_out(r) for r in queries.releases_visible_to(request.user).prefetch_related("files")]


@router.get("/releases/{public_id}", response=ReleaseOut, summary="One release of the organisation")
@requires("releases.view")
def release_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    return release_out(queries.get_release_for_user(request.user, public_id))
