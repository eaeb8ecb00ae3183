"""What every figure module gets: the open database, the command-line choices, the campaign."""
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
import sqlite3
import sys

from . import db
from .errors import MissingData


@dataclass
class Context:
    conn: sqlite3.Connection
    db_path: Path
    campaign_name: str | None = None  # --campaign (None: the newest campaign)
    network: str | None = None  # --network
    baseline: str = "stripes"  # --baseline (an accel / preset name)

    @property
    def db_name(self) -> str:
        return self.db_path.name

    @cached_property
    def campaign(self) -> db.Campaign:
        """The campaign to plot, resolved on first use (the `bits` figure needs none)."""
        campaign = db.resolve_campaign(self.conn, self.db_path, self.campaign_name)
        print(f"bbs-dse plot: campaign '{campaign.name}' (id {campaign.id}, created "
              f"{campaign.created_at}) of {self.db_name}", file=sys.stderr)
        return campaign

    @property
    def profile(self) -> str:
        """The fidelity profile of the campaign's done points; MissingData when there are none."""
        if self.campaign.profile is None:
            raise MissingData(f"campaign '{self.campaign.name}' in '{self.db_name}' has no done "
                              f"design points; run it: bbs-dse run CAMPAIGN --db {self.db_path}")
        return self.campaign.profile

    def campaign_title(self, what: str) -> str:
        """A figure title: what it shows, from which campaign, file and profile."""
        return (f"{what} — campaign '{self.campaign.name}' ({self.db_name}), "
                f"{self.profile} profile")
