"""The simulated site: ONVIF cameras, RTSP streams, sensors and luminaires for tests, benchmarks
and `utkik demo`."""
