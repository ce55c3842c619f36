"""Every Redis key tarikh uses, in one place (so `tarikh cluster` and the README agree)."""

from __future__ import annotations

PREFIX = "tarikh:"
#: The record stream to the writer, and its consumer group.
STREAM = PREFIX + "records"
GROUP = "writers"
#: Site jobs waiting for a worker (LPUSH in, BLMOVE out), and the ones a worker holds.
JOBS = PREFIX + "jobs"
#: Run ids: INCR here; the writer raises the floor to the database's highest id first.
RUN_IDS = PREFIX + "run-ids"


def processing(worker: str) -> str:
    """The jobs a worker has taken and not finished (put back when the worker dies)."""
    return f"{PREFIX}processing:{worker}"


def worker(name: str) -> str:
    """A worker's heartbeat (expires when it stops renewing it)."""
    return f"{PREFIX}worker:{name}"


def lease(site: str) -> str:
    return f"{PREFIX}lease:{site}"


def known(site: str) -> str:
    """Hash canonical URL → validators of the stored pages of a site (kept by the writer)."""
    return f"{PREFIX}known:{site}"


def template(site: str) -> str:
    return f"{PREFIX}template:{site}"


def run_parts(run_id: int) -> str:
    """Hash process → counters of the processes of one (distributed) run."""
    return f"{PREFIX}run-parts:{run_id}"


def frontier(site: str, run_id: int) -> tuple[str, str]:
    """scrapy-redis's request queue and dupefilter keys of one distributed backfill."""
    return f"{PREFIX}frontier:{site}:{run_id}:requests", f"{PREFIX}frontier:{site}:{run_id}:seen"
