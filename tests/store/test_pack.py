"""Raw pages are compressed with Zstandard; pages stored by older versions (zlib) still read."""

from __future__ import annotations

import zlib

from pipelines import store

PAGE = ("<html><body>" + "<p>Bir haber metni, ünlü şehir İstanbul'dan.</p>" * 400 + "</body></html>").encode()


def test_pack_round_trip_and_ratio() -> None:
    packed = store.pack(PAGE)
    assert packed is not None and packed[:4] == b"\x28\xb5\x2f\xfd" and len(packed) < len(PAGE) / 4
    assert store.unpack(packed) == PAGE
    assert store.unpack(store.pack(PAGE.decode())) == PAGE


def test_pages_packed_by_older_versions_still_read() -> None:
    assert store.unpack(zlib.compress(PAGE, 3)) == PAGE
    assert store.unpack(None) is None and store.pack(None) is None
