"""Every report of the product, by identifier: the web download and `manage.py report` both
look reports up here."""

from plan.exports import PlanExecutionReport, PlanReport
from schools.exports import AccountListReport, SchoolListReport
from textbooks.exports import (
    OrfListReport,
    OrfTransfersReport,
    OrfUnmetReport,
    ProvisionComparisonReport,
    ProvisionReport,
)

REPORTS = {
    report.identifier: report
    for report in [
        SchoolListReport,
        AccountListReport,
        PlanReport,
        PlanExecutionReport,
        ProvisionReport,
        ProvisionComparisonReport,
        OrfListReport,
        OrfTransfersReport,
        OrfUnmetReport,
    ]
}
