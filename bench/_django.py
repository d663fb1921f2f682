"""Imported first by the benchmark scripts: Django set up on bench.settings before any model import."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()
