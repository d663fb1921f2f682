"""/api/v1/publicity/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["承诺、典型与培训"])
