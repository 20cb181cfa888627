"""Lighting at the sites: zones, their schedules from the sun and the clock."""
