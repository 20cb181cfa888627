"""Alarms from cameras' ONVIF events, MQTT sensors and the system's own health."""
