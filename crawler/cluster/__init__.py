"""Many workers on Redis, one SQLite writer (issue 11).

Redis holds what the workers share: the job queue, per-site leases, heartbeats, the record
stream to the writer, and what a crawl must know without the database (known URLs, learned
templates). Only `tarikh writer` opens the database; it commits records with the same
`pipelines.store` functions a single-process crawl uses. Keys are named in `keys`.
"""
