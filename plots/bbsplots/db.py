"""Opening a bbs-dse result database read-only and choosing the campaign to plot."""
from dataclasses import dataclass
from pathlib import Path
import os
import sqlite3
from urllib.parse import quote

from .errors import BadInput, MissingData

APPLICATION_ID = 0x42425344  # 'BBSD', PRAGMA application_id of every bbs-dse store
MIN_SCHEMA_VERSION = 2  # design_point.accel/multipliers, iso-multiplier baseline, analysis tables


@dataclass(frozen=True)
class Campaign:
    id: int
    name: str
    created_at: str
    profile: str | None  # fidelity of its done points (None: no done point yet)


def open_db(path: Path) -> sqlite3.Connection:
    """Opens `path` read-only after checking it is a bbs-dse store of schema version >= 2."""
    if not path.is_file():
        raise BadInput(f"'{path}' does not exist or is not a regular file")
    # immutable=1 where the directory cannot be written (a read-only mount): SQLite could not
    # create the -shm file a WAL database needs even to be read.
    writable_dir = os.access(path.resolve().parent, os.W_OK)
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro"
                           + ("" if writable_dir else "&immutable=1"), uri=True)
    conn.row_factory = sqlite3.Row
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        conn.close()
        raise BadInput(f"'{path}' is not a SQLite database ({e})") from e
    if app_id != APPLICATION_ID:
        conn.close()
        raise BadInput(f"'{path}' is not a bbs-dse result database "
                       f"(application_id {app_id:#x}, expected {APPLICATION_ID:#x})")
    if version < MIN_SCHEMA_VERSION:
        conn.close()
        raise BadInput(f"'{path}' has schema version {version}, the plots need version "
                       f"{MIN_SCHEMA_VERSION}: open it read-write once with the current bbs-dse "
                       f"(e.g. rerun its campaign with bbs-dse run ... --db {path}) to migrate it")
    return conn


def resolve_campaign(conn: sqlite3.Connection, db_path: Path, name: str | None) -> Campaign:
    """The newest campaign row called `name`, or the newest campaign of the file (name None)."""
    if name is None:
        row = conn.execute("SELECT id, name, created_at FROM campaign "
                           "ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            raise MissingData(f"'{db_path.name}' holds no campaign; run one, e.g. "
                              f"bbs-dse run paper --db {db_path}")
    else:
        row = conn.execute("SELECT id, name, created_at FROM campaign WHERE name = ? "
                           "ORDER BY id DESC LIMIT 1", (name,)).fetchone()
        if row is None:
            known = [r[0] for r in conn.execute("SELECT DISTINCT name FROM campaign ORDER BY name")]
            raise BadInput(f"'{db_path}' has no campaign '{name}' (it has: "
                           f"{', '.join(known) if known else 'none'})")
    profile = conn.execute(
        "SELECT profile FROM design_point WHERE campaign_id = ? AND status = 'done' "
        "GROUP BY profile ORDER BY count(*) DESC, profile LIMIT 1", (row["id"],)).fetchone()
    return Campaign(row["id"], row["name"], row["created_at"], profile[0] if profile else None)
