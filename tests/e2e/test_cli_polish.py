"""CLI polish (issue 12.13): help everywhere, --version, extract from a URL or stdin, runs --json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from crawler.app.localserver import LocalSiteServer
from crawler.cli import build_parser
from pipelines import store
from tests.helpers import DEMO_SITE, ROOT, json_lines, tarikh

MANIFEST = json.loads((DEMO_SITE / "manifest.json").read_text(encoding="utf-8"))
SEED = ROOT / "tests" / "data" / "seed_page.txt"


def test_every_subcommand_and_option_has_a_help_text() -> None:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {c.dest: c.help for c in sub._choices_actions}
    missing = [name for name in sub.choices if not helps.get(name)]
    for name, command in sub.choices.items():
        missing += [f"{name} {a.option_strings or a.dest}" for a in command._actions
                    if not isinstance(a, argparse._HelpAction) and not a.help]
    assert missing == []
    search = sub.choices["search"]
    since = next(a for a in search._actions if "--since" in a.option_strings)
    assert "published" in since.help and "fetch" in since.help


def test_version() -> None:
    proc = tarikh("--version")
    assert proc.stdout.startswith("tarikh ") and proc.stdout.split()[1][0].isdigit()


def test_extract_fetches_a_url_and_reads_stdin() -> None:
    article = MANIFEST["articles"][0]
    with LocalSiteServer(DEMO_SITE) as server:
        [record] = json_lines(tarikh("extract", server.base_url + article["path"]).stdout)
    assert record["title"] == article["title"] and record["published"] == article["published"]
    assert record["url"].endswith(article["path"])
    [from_stdin] = json_lines(tarikh("extract", "-", stdin=SEED.read_text(encoding="utf-8")).stdout)
    assert from_stdin["title"] == "ISIL Left with Only 34 Bases in Iraq, Syria"


def test_extract_of_an_unreachable_url_is_one_clear_error() -> None:
    proc = tarikh("extract", "http://127.0.0.1:9/nothing.html", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "error" in json_lines(proc.stdout)[0]


def test_runs_json_emits_json_values_not_json_strings(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    db = store.connect(db_path)
    counters = store.RunCounters()
    counters.drop("dead_link")
    counters.skip("already_stored")
    counters.error("HTTP 503 http://site.example/")
    run_id = store.start_run(db, "site", "backfill", {"since": "2020-01-01"})
    store.update_run(db, run_id, counters, status="ok", exit_code=0)
    db.conn.close()
    [run] = json_lines(tarikh("runs", "--json", "--db", str(db_path)).stdout)
    assert run["dropped_reasons"] == {"dead_link": 1}
    assert run["skipped_reasons"] == {"already_stored": 1}
    assert run["error_samples"] == ["HTTP 503 http://site.example/"]
    assert run["args"] == {"since": "2020-01-01"}
