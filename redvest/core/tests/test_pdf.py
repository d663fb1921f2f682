from __future__ import annotations

import pytest

from redvest.core.pdf import html_to_pdf


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1b", "\x7f"])
def test_control_characters_are_dropped_before_rendering(char: str) -> None:
    assert html_to_pdf(f"<p>张三{char}李四</p>") == html_to_pdf("<p>张三李四</p>")
