"""The demo: its pipeline (run), what it shows (facts) and the HTML report (html, svg_map, svg_bars)."""
