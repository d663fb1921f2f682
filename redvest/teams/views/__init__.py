"""Team, join-request and brand pages: each view parses, calls one service or selector, renders."""
