"""Small pieces every teams view uses."""

from __future__ import annotations

from redvest.core.pages import domain_error_pages

shows_domain_errors = domain_error_pages("teams/error.html")
