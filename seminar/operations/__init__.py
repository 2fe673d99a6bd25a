"""Running the site as a service: request ids and log lines, metrics, readiness, the worker's
heartbeat, and the versions an operator checks against advisories (`seminar doctor`).

`logs` and `metrics` are used from everywhere (a login counts a failure, the worker logs under
the id of the request that queued its work); the rest is this area's own: `middleware` (one
request: its id, its log line, its metrics), `queries` (readiness, what the scrape reads from the
database), `actions` and `heartbeat` (the worker's beat), `doctor` and `routes`.
"""
