"""What every figure module gets: the open database, the command-line choices, the campaign."""
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
import sqlite3
import sys

from . import db
from .errors import MissingData


# The paper's normalization per figure (BBS, MICRO 2024, Fig. 12 and Fig. 13).
PAPER_BASELINES = {"speedup": "stripes", "energy": "sparten"}


@dataclass
class Context:
    conn: sqlite3.Connection
    db_path: Path
    campaign_name: str | None = None  # --campaign (None: the newest campaign)
    network: str | None = None  # --network
    baseline: str = "paper"  # --baseline: an accel / preset name, or "paper" (PAPER_BASELINES)

    def baseline_for(self, figure: str, available) -> str:
        """The preset `figure` normalizes to: --baseline, or with "paper" the paper's choice
        (Fig. 12 speedup over Stripes, Fig. 13 energy normalized to SparTen), Stripes when the
        campaign has no point of the paper's choice (said on stderr)."""
        if self.baseline != "paper":
            return self.baseline
        wanted = PAPER_BASELINES.get(figure, "stripes")
        if wanted not in available:
            print(f"bbs-dse plot: {figure}: the campaign has no {wanted} point (the paper's "
                  f"baseline for this figure); normalizing to stripes", file=sys.stderr)
            return "stripes"
        return wanted

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
