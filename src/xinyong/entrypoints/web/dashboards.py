"""The officer's overview on the console: the aggregates are computed by the overview
service (``xinyong.services.overview``), which folds over the ledger in pages and keeps
the result until the ledger moves; this module only hands the console its figures."""

from __future__ import annotations

import datetime as dt

from xinyong.bootstrap import Deployment
from xinyong.services.overview import GradeDistribution, ListSeries, Overview, month_starts

__all__ = ["Dashboards", "GradeDistribution", "ListSeries", "Overview", "month_starts"]


class Dashboards:
    def overview(self, d: Deployment, today: dt.date) -> Overview:
        return d.overview.overview(today)
