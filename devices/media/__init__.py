"""Media adapters: RTSP ingest with PyAV (the media hub's Source) and the live-view feed."""
