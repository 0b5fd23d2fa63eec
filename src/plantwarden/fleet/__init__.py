"""Cross-site views for a central holding many sites (docs/sensors.md): open alerts per site
by severity over the sites a principal may view. More views (production at risk, fleet-wide
questions) are to come."""
