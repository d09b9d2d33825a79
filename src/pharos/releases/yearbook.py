"""The PDF yearbook of a published release: its tables and methodology notes, in the reader's
language, rendered by WeasyPrint from a template with the vendored Noto fonts (offline; Arabic
right to left through the page's ``dir``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from pharos.releases import presentation, queries
from pharos.releases.models import Release

STATIC = Path(__file__).resolve().parent.parent / "static"


def _fonts_css() -> str:
    vendor = STATIC / "vendor"
    faces = []
    for family, folder, files in (
        ("Noto Sans", "noto-sans", ("latin", "latin-ext", "cyrillic")),
        ("Noto Sans Arabic", "noto-sans-arabic", ("arabic",)),
    ):
        prefix = folder if folder == "noto-sans" else "noto-sans-arabic"
        for subset in files:
            for weight in (400, 700):
                path = vendor / folder / f"{prefix}-{subset}-{weight}-normal.woff2"
                if path.exists():
                    faces.append(
                        f"@font-face {{ font-family: '{family}'; font-weight: {weight}; src: url('{path.as_uri()}'); }}"
                    )
    return "\n".join(faces)


def render_html(release: Release, *, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "releases/yearbook.html",
            {
                "release": release,
                "tables": presentation.tables_for_display(release.summary),
                "privacy": presentation.privacy_lines(release.summary),
                "citation": queries.citation(release),
                "fonts_css": _fonts_css(),
                "language": language,
                "rtl": translation.get_language_bidi(),
            },
        )


def render_pdf(release: Release, *, language: str) -> bytes:
    from weasyprint import HTML

    html = render_html(release, language=language)
    # base_url: only local files (the fonts); nothing is fetched from a network.
    return bytes(
        HTML(
            string=html, base_url=str(settings.BASE_DIR) if hasattr(settings, "BASE_DIR") else None
        ).write_pdf()
    )
