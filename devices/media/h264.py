"""H.264 bitstream helpers for remuxing without decoding (Annex B start codes; avcC from
MP4-style demuxers). Used by the live view's MPEG-TS muxer and the recorder's MP4 segments."""

from __future__ import annotations

START_CODE = b"\x00\x00\x01"
AUD = b"\x00\x00\x00\x01\x09\xf0"
NAL_AUD = 9
NAL_SPS = 7
NAL_SLICE = 1
NAL_IDR = 5


def annexb_parameter_sets(extradata: bytes) -> tuple[bytes, int | None]:
    """SPS/PPS from the extradata as Annex B, and the NAL length size if the packets are
    length-prefixed (avcC extradata), else None."""
    if not extradata:
        return b"", None
    if extradata[0] != 1:  # already Annex B (RTSP sprop-parameter-sets, MPEG-TS)
        return extradata, None
    if len(extradata) < 7:
        return b"", None
    length_size = (extradata[4] & 3) + 1
    out = bytearray()
    pos = 5
    for count_mask in (0x1F, 0xFF):  # SPS count (5 bits), then PPS count (8 bits)
        if pos >= len(extradata):
            break
        count = extradata[pos] & count_mask
        pos += 1
        for _ in range(count):
            size = int.from_bytes(extradata[pos : pos + 2], "big")
            pos += 2
            out += b"\x00\x00\x00\x01" + extradata[pos : pos + size]
            pos += size
    return bytes(out), length_size


def length_prefixed_to_annexb(data: bytes, length_size: int) -> bytes:
    out = bytearray()
    pos = 0
    while pos + length_size <= len(data):
        size = int.from_bytes(data[pos : pos + length_size], "big")
        pos += length_size
        out += b"\x00\x00\x00\x01" + data[pos : pos + size]
        pos += size
    return bytes(out)


def is_annexb(data: bytes) -> bool:
    return data.startswith(START_CODE) or data.startswith(b"\x00" + START_CODE)


def with_parameter_sets(data: bytes, parameter_sets: bytes) -> bytes:
    """A keyframe access unit with SPS/PPS in band: a decoder needs them at each keyframe (a viewer
    joins there, and many cameras send them only in the SDP). Inserted after a leading access
    unit delimiter, which must stay first. Scans only the NAL headers before the first slice."""
    insert_at = 0
    pos = data.find(START_CODE)
    first = True
    while 0 <= pos < len(data) - 3:
        nal_type = data[pos + 3] & 0x1F
        if nal_type == NAL_SPS:
            return data
        if nal_type in (NAL_SLICE, NAL_IDR):
            break
        following = data.find(START_CODE, pos + 3)
        if first and nal_type == NAL_AUD:
            end = len(data) if following < 0 else following
            # A four-byte start code's leading zero belongs to the next NAL unit.
            insert_at = end - 1 if data[end - 1] == 0 else end
        first = False
        pos = following
    return data[:insert_at] + parameter_sets + data[insert_at:]


# -- the muxer ----------------------------------------------------------------------------------


def to_annexb(data: bytes, parameter_sets: bytes, length_size: int | None, keyframe: bool) -> bytes:
    """A packet as Annex B with SPS/PPS in front of a keyframe that lacks them."""
    if length_size is not None and not is_annexb(data):
        data = length_prefixed_to_annexb(data, length_size)
    if keyframe and parameter_sets:
        data = with_parameter_sets(data, parameter_sets)
    return data
