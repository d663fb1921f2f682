"""Activities pages: each view parses, calls one service or selector, renders."""
