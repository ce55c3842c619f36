"""Records on the stream: JSON, with bytes (packed HTML) as base64 — never pickle, since
anything that can write to Redis could otherwise run code in the writer."""

from __future__ import annotations

import base64
import json
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"cannot send {type(value).__name__} to the writer")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$b" in obj:
        return base64.b64decode(obj["$b"])
    return obj


def encode(record: dict[str, Any]) -> bytes:
    return json.dumps(record, default=_default, ensure_ascii=False).encode("utf-8")


def decode(data: bytes) -> dict[str, Any]:
    obj = json.loads(data, object_hook=_hook)
    if not isinstance(obj, dict) or "type" not in obj:
        raise ValueError("not a tarikh record")
    return obj
