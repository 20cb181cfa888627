"""What a video tile shows, live or recorded, and the colours that say it: the caption strip by
state, the border (selected, alarm), the live dot, the amber of recorded time."""

from __future__ import annotations

import enum


class TileState(enum.StrEnum):
    """One vocabulary for the live tiles (ui/tile.py) and the playback tiles (ui/playback.py);
    each uses the states that fit what it shows."""

    EMPTY = "empty"
    NO_PERMISSION = "no_permission"
    #: no video backend on this workstation
    NO_VIDEO = "no_video"

    # -- live ------------------------------------------------------------------------------------
    #: waiting for the camera, the log entry or the stream
    CONNECTING = "connecting"
    LIVE = "live"
    #: the picture stopped coming; the last one stays, marked
    STALE = "stale"
    OFFLINE = "offline"
    #: the camera is gone (removed from Utkik)
    REMOVED = "removed"
    #: the look could not be logged or the stream not opened: nothing is shown
    REFUSED = "refused"

    # -- recorded --------------------------------------------------------------------------------
    #: the access-log entry is being written, or the first pictures are on their way
    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    NO_RECORDING = "no_recording"
    #: the recording could not be opened or read
    ERROR = "error"


#: Caption strip colours by state: (background, text). Alarm-red stays for alarms.
STRIP = {
    TileState.EMPTY: ("#15171b", "#8a9099"),
    TileState.CONNECTING: ("#1e2126", "#c9d1d9"),
    TileState.LIVE: ("#1e2126", "#e6e6e6"),
    TileState.STALE: ("#d08a1e", "#000000"),
    TileState.OFFLINE: ("#8e2c28", "#ffffff"),
    TileState.NO_PERMISSION: ("#2b3038", "#c9d1d9"),
    TileState.REMOVED: ("#2b3038", "#c9d1d9"),
    TileState.NO_VIDEO: ("#2b3038", "#c9d1d9"),
    TileState.REFUSED: ("#8e2c28", "#ffffff"),
    TileState.OPENING: ("#1e2126", "#c9d1d9"),
    TileState.PLAYING: ("#1e2126", "#e6e6e6"),
    TileState.PAUSED: ("#1e2126", "#e6e6e6"),
    TileState.NO_RECORDING: ("#2b3038", "#c9d1d9"),
    TileState.ERROR: ("#8e2c28", "#ffffff"),
}
BORDER = "#2b3038"
BORDER_SELECTED = "#2f8ef0"
BORDER_ALARM = "#ff3b30"
LIVE_DOT = "#3fa55b"
#: Recorded video is marked apart from live video: an amber time in the caption.
PLAYBACK_AMBER = "#f0b429"
