"""What `tarikh cluster` shows: workers, leases, queues and the writer's lag, from Redis."""

from __future__ import annotations

import json
from typing import Any

import redis

from crawler.cluster import keys


def snapshot(client: redis.Redis) -> dict[str, Any]:
    workers = []
    for key in sorted(client.scan_iter(match=keys.worker("*"))):
        value = client.get(key)
        if value:
            info = json.loads(value)
            info["name"] = key.decode().removeprefix(keys.worker(""))
            info["expires_in_s"] = round(int(client.pttl(key)) / 1000, 1)
            workers.append(info)
    leases = []
    for key in sorted(client.scan_iter(match=keys.lease("*"))):
        holder = client.get(key)
        if holder:
            leases.append({"site": key.decode().removeprefix(keys.lease("")),
                           "holder": holder.decode() if isinstance(holder, bytes) else str(holder),
                           "expires_in_s": round(int(client.pttl(key)) / 1000, 1)})
    processing = {key.decode().removeprefix(keys.processing("")): int(client.llen(key))
                  for key in client.scan_iter(match=keys.processing("*"))}
    writer: dict[str, Any] = {"stream_length": int(client.xlen(keys.STREAM)) if client.exists(keys.STREAM) else 0,
                              "pending": 0, "undelivered": None, "consumers": []}
    if writer["stream_length"] or client.exists(keys.STREAM):
        for group in client.xinfo_groups(keys.STREAM):
            if group["name"].decode() == keys.GROUP:
                writer["pending"] = int(group["pending"])
                writer["undelivered"] = group.get("lag")
                for c in client.xinfo_consumers(keys.STREAM, keys.GROUP):
                    writer["consumers"].append({"name": c["name"].decode(), "pending": int(c["pending"]),
                                                "idle_s": round(int(c["idle"]) / 1000, 1)})
    return {"workers": workers, "leases": leases, "queued": int(client.llen(keys.JOBS)),
            "processing": processing, "writer": writer}


def render(snap: dict[str, Any]) -> str:
    lines = [f"workers: {len(snap['workers'])}"]
    for w in snap["workers"]:
        job = w.get("job") or {}
        doing = f"{job.get('mode')} {job.get('site')}" if job else "idle"
        lines.append(f"  {w['name']}  {w['host']} pid {w['pid']}  {doing}  jobs done {w['jobs_done']}"
                     f"  (heartbeat expires in {w['expires_in_s']}s)")
    lines.append(f"leases: {len(snap['leases'])}")
    for lease in snap["leases"]:
        lines.append(f"  {lease['site']}  held by {lease['holder']}  expires in {lease['expires_in_s']}s")
    taken = sum(snap["processing"].values())
    lines.append(f"jobs: {snap['queued']} queued, {taken} running")
    w = snap["writer"]
    lines.append(f"writer: {w['stream_length']} records not yet committed "
                 f"({w['pending']} being written, {w['undelivered'] if w['undelivered'] is not None else '?'} waiting)")
    for c in w["consumers"]:
        lines.append(f"  {c['name']}  {c['pending']} pending  idle {c['idle_s']}s")
    return "\n".join(lines)
