"""Fidelity suite (issue 10): the pipeline against the fake GitHub's awkward behaviours, each
proved end to end on the database the suite runs on (run it on SQLite and on PostgreSQL)."""
