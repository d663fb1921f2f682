"""Service-record and certificate pages: each view parses, calls one service or selector, renders."""
