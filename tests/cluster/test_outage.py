"""Living through a Redis outage: one line when it starts, one when it ends, and a bound."""

from __future__ import annotations

import logging

import pytest
import redis

from crawler.cluster.conn import Outage, RedisDown, RedisGone


def test_an_outage_is_retried_with_one_line_at_each_end(caplog: pytest.LogCaptureFixture) -> None:
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] <= 4:
            raise redis.ConnectionError("Connection refused.")
        return "ok"

    outage = Outage("test", first=0.001, longest=0.002)
    with caplog.at_level(logging.WARNING, logger="crawler.cluster.conn"):
        assert outage.call(flaky) == "ok"
    assert calls["n"] == 5 and not outage.down and outage.outages == 1
    assert [r.getMessage() for r in caplog.records] == [
        "test: Redis unreachable (Connection refused.); retrying until it is back",
        caplog.records[1].getMessage()]
    assert caplog.records[1].getMessage().startswith("test: Redis is back after ")


def test_an_outage_past_its_limit_gives_up_with_one_line() -> None:
    def down() -> None:
        raise redis.ConnectionError("Connection refused.")

    outage = Outage("writer w", limit=0.01, first=0.005, longest=0.005)
    with pytest.raises(RedisGone, match=r"^writer w: Redis unreachable for \d+s: Connection refused\.$"):
        outage.call(down)


def test_a_stopping_process_does_not_wait_for_redis() -> None:
    def down() -> None:
        raise redis.TimeoutError("Timeout reading from socket")

    with pytest.raises(RedisDown, match="stopped while Redis was unreachable"):
        Outage("worker w").call(down, stop=lambda: True)
