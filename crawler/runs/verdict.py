"""Exit codes and the one rule that says a run (or a site's recent runs) went wrong."""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNHEALTHY = 1  # the run happened but something is wrong (error spike, interrupted)
EXIT_USAGE = 2  # bad arguments (argparse's own code)
EXIT_CANNOT_RUN = 3  # could not run at all: lock held, database unusable, bad profile

#: More than this share of failed requests is an error spike, for a run and for `health`.
ERROR_SPIKE_SHARE = 0.25


#: Ends of a run that mean tarikh itself could not work: a stage that did not start, a
#: database that took no more writes (disk full). Exit 3, like a run that could not start.
FAILED_REASONS = frozenset({"start_failed", "store_failed"})


def error_spike(errors: int, attempts: int) -> bool:
    """Errors among attempted requests (downloads + 304s + errors) above the spike share."""
    return bool(errors) and (attempts == 0 or errors / attempts > ERROR_SPIKE_SHARE)


def verdict(pages_downloaded: int, not_modified: int, errors: int,
            finish_reason: str | None) -> tuple[str, int]:
    """'ok' or why not, and the exit code a scheduler can act on."""
    if finish_reason in FAILED_REASONS:
        return "failed", EXIT_CANNOT_RUN
    if finish_reason not in (None, "finished"):
        return "interrupted", EXIT_UNHEALTHY
    attempts = pages_downloaded + not_modified + errors
    if errors and (pages_downloaded == 0 or error_spike(errors, attempts)):
        return "unhealthy", EXIT_UNHEALTHY
    return "ok", EXIT_OK
