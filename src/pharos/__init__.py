"""Pharos: information system for national and transnational anti-trafficking responses."""

__version__ = "0.1.0"
