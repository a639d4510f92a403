"""Who may open the textbooks pages (see tests/access/__init__.py)."""

from tests.textbooks.factories import make_campaign, make_fpu, make_row, make_submission

from . import (
    EVERYONE,
    OFFICE_AND_COMMITTEE,
    OFFICE_ONLY,
    POST_ONLY_OFFICE,
    SCHOOL_A_OBJECT,
    Rule,
    expect,
)

# login_required + require_POST: every role that has logged in gets 405 for a GET.
POST_ONLY_ANY = expect(302, 405, 405, 405, 405)
# Rows of school A may be changed by its librarian and the office; B's librarian does not see
# them; the committee reads only.
SCHOOL_A_WRITE = expect(302, 302, 302, 404, 403)


def build(world):
    world.fpu = make_fpu(grades=[5])
    world.campaign = make_campaign()
    world.submission_a = make_submission(world.school_a, world.campaign)
    world.submission_b = make_submission(world.school_b, world.campaign)
    world.row_a = make_row(world.submission_a, world.fpu)


def fpu(world):
    return {"pk": world.fpu.pk}


def school_a(world):
    return {"pk": world.school_a.pk}


def campaign(world):
    return {"pk": world.campaign.pk}


def sub_a(world):
    return {"pk": world.submission_a.pk}


def row_a(world):
    return {"pk": world.row_a.pk}


RULES = [
    Rule("textbooks:fpu-list", EVERYONE),
    Rule("textbooks:fpu-detail", EVERYONE, kwargs=fpu),
    Rule("textbooks:fpu-search", EVERYONE, query="?q=мат&grade=5"),
    Rule("textbooks:fpu-import", OFFICE_ONLY),
    # A librarian is sent to her own school's page.
    Rule("textbooks:enrollment-list", expect(302, 200, 302, 302, 200)),
    Rule("textbooks:enrollment-edit", SCHOOL_A_OBJECT, kwargs=school_a),
    Rule(
        "textbooks:enrollment-edit",
        SCHOOL_A_WRITE,
        kwargs=school_a,
        method="post",
        data=lambda w: {"pupils_5": "25"},
    ),
    Rule("textbooks:campaign-list", EVERYONE),
    Rule("textbooks:campaign-create", OFFICE_ONLY),
    Rule("textbooks:campaign-detail", OFFICE_AND_COMMITTEE, kwargs=campaign),
    Rule("textbooks:campaign-close", POST_ONLY_OFFICE, kwargs=campaign),
    Rule(
        "textbooks:campaign-close",
        expect(302, 302, 403, 403, 403),
        kwargs=campaign,
        method="post",
    ),
    Rule("textbooks:submission-detail", SCHOOL_A_OBJECT, kwargs=sub_a),
    Rule(
        "textbooks:submission-detail",
        SCHOOL_A_WRITE,
        kwargs=sub_a,
        method="post",
        data=lambda w: {"rows-TOTAL": "0"},
    ),
    Rule("textbooks:submission-send", POST_ONLY_ANY, kwargs=sub_a),
    # Sending is the school's act: the office returns or accepts instead.
    Rule("textbooks:submission-send", expect(302, 403, 302, 404, 403), kwargs=sub_a, method="post"),
    Rule("textbooks:submission-return", POST_ONLY_OFFICE, kwargs=sub_a),
    Rule("textbooks:submission-accept", POST_ONLY_OFFICE, kwargs=sub_a),
    Rule("textbooks:submission-reopen", POST_ONLY_OFFICE, kwargs=sub_a),
    Rule("textbooks:submission-copy-last-year", POST_ONLY_ANY, kwargs=sub_a),
    Rule("textbooks:submission-template", SCHOOL_A_OBJECT, kwargs=sub_a),
    Rule("textbooks:submission-import", expect(302, 200, 200, 404, 403), kwargs=sub_a),
    Rule("textbooks:row-history", SCHOOL_A_OBJECT, kwargs=row_a),
]
