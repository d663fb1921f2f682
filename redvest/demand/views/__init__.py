"""Pages of the demand loop; each view parses, calls one service or selector, renders."""
