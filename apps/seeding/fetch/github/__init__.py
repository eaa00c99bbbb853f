"""GitHub GraphQL client: knows HTTP and GitHub, nothing of the database or the event log.

Modules: ``errors`` (exception family), ``classify`` (response -> data or exception),
``retry`` (what to do after a failure), ``tokens`` (sticky multi-token pool), ``client``
(executes a query with retries, pacing and accounting), ``queries`` (query texts), ``parse``
(GraphQL PR nodes -> PR event data).
"""
