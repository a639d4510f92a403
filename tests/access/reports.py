from . import OFFICE_AND_COMMITTEE, OFFICE_ONLY, Rule, expect


def report(identifier, fmt):
    return lambda world: {"identifier": identifier, "fmt": fmt}


RULES = [
    Rule(
        "reports:download", OFFICE_AND_COMMITTEE, kwargs=report("schools", "xlsx"), label="schools"
    ),
    Rule(
        "reports:download", OFFICE_AND_COMMITTEE, kwargs=report("schools", "pdf"), label="schools"
    ),
    Rule("reports:download", OFFICE_ONLY, kwargs=report("accounts", "xlsx"), label="accounts"),
    Rule(
        "reports:download",
        expect(302, 404, 404, 404, 404),
        kwargs=report("nope", "xlsx"),
        label="unknown",
    ),
    # The plan documents (the plan of 2020 is built in tests/access/plan.py).
    Rule(
        "reports:download",
        OFFICE_AND_COMMITTEE,
        kwargs=report("plan", "pdf"),
        query="?year=2020-2021",
        label="plan",
    ),
    Rule(
        "reports:download",
        OFFICE_AND_COMMITTEE,
        kwargs=report("plan-execution", "xlsx"),
        query="?year=2020-2021",
        label="plan execution",
    ),
]
