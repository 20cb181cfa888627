"""The GUI composition root's parts: the session controller (session.py), the video backends
(video.py) and the camera adapters (cameras.py). Only these modules, ui/app.py, ui/cli.py,
ui/serve.py and ui/demo.py import devices/; the widgets get what they need as ports."""
