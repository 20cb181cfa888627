"""Live media: the hub that shares one ingest session per stream among its viewers."""
