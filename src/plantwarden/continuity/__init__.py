"""Production continuity: what a failure costs, single points of failure, segmentation, RACI, lifecycle."""
