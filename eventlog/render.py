"""What the CLI prints, as strings and JSON-ready dicts (no printing here, no typer, no rich).

Every human-readable line is built from ``printable`` text, so nothing read from a log (types,
keys, titles, error messages quoting paths) reaches a terminal unescaped; JSON output is exact
(``text.json_text``). Field names of the JSON forms are stable: scripts read them.
"""

from __future__ import annotations

from typing import Any

from .compaction import CompactionReport
from .log import LogInfo
from .record import Record
from .removal import Removal
from .text import json_text, plural, printable
from .verify import VerifyReport

SHORT = 50


def summarize(record: Record) -> str:
    """A short human description of a record's data (escaped)."""
    data = record.data
    if record.is_commit and isinstance(data, dict):
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        extra = " ".join(f"{short(k)}={short(v)}" for k, v in list(meta.items())[:4])
        count = data.get("count")
        counted = plural(count, "record") if isinstance(count, int) else f"{short(count)} records"
        return f"commit of {counted} from seq {short(data.get('first_seq'))} {extra}".rstrip()
    if not isinstance(data, dict):
        return short(data)
    preferred = [k for k in ("title", "name", "state", "status") if k in data]
    keys = preferred + [k for k in data if k not in preferred]
    scalars = [(k, data[k]) for k in keys if not isinstance(data[k], dict | list)]
    return " ".join(f"{short(k)}={short(v)}" for k, v in scalars[:3])


def short(value: Any, width: int = SHORT) -> str:
    """``value`` (a string as it is, anything else as JSON) escaped and cut to ``width``."""
    text = value if isinstance(value, str) else json_text(value)
    return printable(text, limit=width)


def record_line(record: Record) -> str:
    """``seq  type  key  ts  summary``: one line per record."""
    return (f"{record.seq:>8}  {short(record.type, 30):<7} {short(record.key, 60):<14} "
            f"{short(record.ts, 40)}  {summarize(record)}")


def record_json(record: Record) -> str:
    """The record as one line of exact JSON (its fields as on disk, without the checksum)."""
    return json_text(record.to_dict())


def info_dict(i: LogInfo) -> dict[str, Any]:
    """``LogInfo`` as JSON-ready data; ``last_fetch_complete`` reads the producer's ``complete``
    flag from the last commit marker's meta (None when the producer sets none)."""
    meta = i.last_commit.meta if i.last_commit else {}
    return {
        "path": str(i.path), "segments": i.segments, "bytes": i.bytes, "records": i.records,
        "events": i.events, "commits": i.commits, "keys": i.keys, "first_seq": i.first_seq,
        "last_seq": i.last_seq, "next_seq": i.next_seq, "uncommitted_bytes": i.uncommitted_bytes,
        "types": i.types, "last_commit": i.last_commit.to_dict() if i.last_commit else None,
        "last_fetch_complete": meta.get("complete") if isinstance(meta, dict) else None,
    }


def info_line(name: str, i: LogInfo) -> str:
    complete = {True: "yes", False: "no"}.get(info_dict(i)["last_fetch_complete"], "unknown")
    seqs = f"seqs {i.first_seq}..{i.last_seq}" if i.records else "no records"
    return (f"{printable(name)}: {plural(i.events, 'event')} ({plural(i.keys, 'key')}), "
            f"{plural(i.commits, 'commit')}, {plural(i.bytes, 'byte')} in "
            f"{plural(i.segments, 'segment')}, {seqs}, next {i.next_seq}, "
            f"last fetch complete: {complete}")


def verify_lines(name: str, report: VerifyReport) -> list[str]:
    status = "ok" if report.ok else plural(len(report.problems), "problem")
    lines = [f"{printable(name)}: {status} ({plural(report.records, 'record')}, "
             f"{plural(report.bytes, 'byte')})"]
    lines += [f"  problem: {printable(str(p))}" for p in report.problems]
    lines += [f"  warning: {printable(w)}" for w in report.warnings]
    return lines


def compact_line(name: str, report: CompactionReport) -> str:
    if not report.changed:
        return f"{printable(name)}: nothing to compact ({plural(report.records_before, 'record')})"
    return (f"{printable(name)}: {report.records_before} -> {report.records_after} records, "
            f"{report.bytes_before} -> {report.bytes_after} bytes, "
            f"{plural(report.keys, 'key')}, next seq {report.next_seq}")


def removal_line(name: str, removal: Removal) -> str:
    where = printable(str(removal.log_dir))
    if removal.kept:
        return (f"{printable(name)}: removed the log; kept {where}: it holds files eventlog did "
                f"not create ({printable(', '.join(removal.kept), limit=200)})")
    return f"{printable(name)}: removed {where}"


def json_document(value: Any) -> str:
    """An indented JSON document (``info --json``, ``verify --json``)."""
    return json_text(value, indent=True)
