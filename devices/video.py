"""libvlc, the video renderer: loading it and telling which version it is.

The live and playback feeds (in-memory MPEG-TS into `media_new_callbacks`) come with the media hub.
"""

from __future__ import annotations

from console.errors import N_, KnownError


class VideoUnavailable(KnownError):
    """libvlc cannot be loaded: video cannot be shown on this workstation."""


def libvlc_version() -> str:
    """Load libvlc, make an instance, and return its version; raise VideoUnavailable if it fails."""
    try:
        import vlc
    except (ImportError, OSError) as err:
        raise VideoUnavailable(
            N_("The video library libvlc cannot be loaded ({reason}). Install the vlc packages."),
            reason=str(err),
        ) from err
    instance = vlc.Instance(["--quiet", "--no-xlib"])
    if instance is None:
        raise VideoUnavailable(
            N_("libvlc is installed but does not start. Install the vlc plugin packages.")
        )
    try:
        version = vlc.libvlc_get_version()
    finally:
        instance.release()
    return version.decode() if isinstance(version, bytes) else str(version)
