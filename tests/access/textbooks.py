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


# --- ОРФ ---------------------------------------------------------------------------------------


def build_orf(world):
    from tests.factories import make_school
    from tests.textbooks.orf_factories import make_need, make_offer, make_transfer
    from textbooks import exchange
    from textbooks.models import TransferStatus

    world.school_c = make_school(short_name="МБОУ «СОШ № 3»", full_name="Школа В")
    world.offer_a = make_offer(world.school_a, world.fpu, copies=10)
    world.need_a = make_need(world.school_a, world.fpu, copies=4)
    world.offer_b = make_offer(world.school_b, world.fpu, copies=10)
    world.need_b = make_need(world.school_b, world.fpu, copies=4)
    need_c = make_need(world.school_c, world.fpu, copies=4)
    # A → B agreed (act available), A → C delivered (B's librarian does not see it),
    # B → A proposed (its line can still be edited).
    world.transfer_ab = make_transfer(world.offer_a, world.need_b, 2, TransferStatus.AGREED)
    world.transfer_ac = make_transfer(world.offer_a, need_c, 2, TransferStatus.DELIVERED)
    world.transfer_ba = make_transfer(world.offer_b, world.need_a, 2)
    world.line_ba = world.transfer_ba.lines.get()
    # C → A agreed: A's need and offer are in agreed transfers and cannot be deleted.
    make_transfer(make_offer(world.school_c, world.fpu), world.need_a, 1, TransferStatus.AGREED)
    exchange.round_publish(start_year=2021, user=None)


_build_provision = build


def build(world):  # noqa: F811  (the provision objects first, then the ОРФ's)
    _build_provision(world)
    build_orf(world)


def offer_a(world):
    return {"pk": world.offer_a.pk}


def need_a(world):
    return {"pk": world.need_a.pk}


def transfer(name, step=None):
    def kwargs(world):
        values = {"pk": getattr(world, name).pk}
        if step:
            values["step"] = step
        return values

    return kwargs


def line_ba(world):
    return {"pk": world.line_ba.pk}


ALL_200 = expect(200, 200, 200, 200, 200)
# The office names the school with ?school=; without it there is nothing to add to (404).
NEEDS_SCHOOL = expect(302, 404, 200, 200, 403)
SCHOOL_A_CHANGE = expect(302, 302, 302, 404, 403)
ANY_SCHOOL_POST = expect(302, 302, 302, 302, 403)
PARTIES_READ = expect(302, 200, 200, 200, 200)
OFFICE_POST = expect(302, 302, 403, 403, 403)


def offer_data(world):
    return {
        "school": world.school_a.pk,
        "code": world.fpu.code,
        "copies": "12",
        "condition": "good",
        "price": "150.00",
    }


def need_data(world):
    return {"school": world.school_a.pk, "code": world.fpu.code, "grade": "5", "copies": "6"}


def report(identifier, fmt):
    return lambda world: {"identifier": identifier, "fmt": fmt}


RULES += [
    Rule("textbooks:orf-list", EVERYONE),
    Rule("textbooks:orf-public", ALL_200),
    Rule("textbooks:orf-public-download", ALL_200, kwargs=lambda w: {"fmt": "xlsx"}),
    Rule("textbooks:orf-publish", POST_ONLY_OFFICE),
    Rule("textbooks:orf-publish", OFFICE_POST, method="post", data=lambda w: {"year": "2021-2022"}),
    Rule("textbooks:orf-declarations", EVERYONE),
    Rule("textbooks:orf-propose", POST_ONLY_ANY),
    Rule(
        "textbooks:orf-propose",
        ANY_SCHOOL_POST,
        method="post",
        data=lambda w: {"school": w.school_a.pk},
    ),
    Rule("textbooks:orf-offer-create", NEEDS_SCHOOL),
    Rule("textbooks:orf-offer-create", ANY_SCHOOL_POST, method="post", data=offer_data),
    Rule("textbooks:orf-offer-edit", SCHOOL_A_OBJECT, kwargs=offer_a),
    Rule(
        "textbooks:orf-offer-edit", SCHOOL_A_CHANGE, kwargs=offer_a, method="post", data=offer_data
    ),
    Rule("textbooks:orf-offer-delete", POST_ONLY_ANY, kwargs=offer_a),
    Rule("textbooks:orf-offer-delete", SCHOOL_A_CHANGE, kwargs=offer_a, method="post"),
    Rule("textbooks:orf-need-create", NEEDS_SCHOOL),
    Rule("textbooks:orf-need-create", ANY_SCHOOL_POST, method="post", data=need_data),
    Rule("textbooks:orf-need-edit", SCHOOL_A_OBJECT, kwargs=need_a),
    Rule("textbooks:orf-need-edit", SCHOOL_A_CHANGE, kwargs=need_a, method="post", data=need_data),
    Rule("textbooks:orf-need-delete", POST_ONLY_ANY, kwargs=need_a),
    Rule("textbooks:orf-need-delete", SCHOOL_A_CHANGE, kwargs=need_a, method="post"),
    Rule("textbooks:orf-import", NEEDS_SCHOOL, kwargs=lambda w: {"kind": "offers"}),
    Rule("textbooks:orf-import", NEEDS_SCHOOL, kwargs=lambda w: {"kind": "needs"}, label="needs"),
    Rule("textbooks:orf-template", EVERYONE, kwargs=lambda w: {"kind": "needs"}),
    Rule("textbooks:orf-proposal", OFFICE_AND_COMMITTEE),
    Rule("textbooks:orf-matching-run", POST_ONLY_OFFICE),
    Rule("textbooks:orf-matching-run", OFFICE_POST, method="post"),
    Rule("textbooks:orf-agree-all", POST_ONLY_OFFICE),
    Rule("textbooks:orf-agree-all", OFFICE_POST, method="post"),
    Rule("textbooks:orf-line-update", POST_ONLY_ANY, kwargs=line_ba),
    # Only the office edits a proposal; the schools and the committee see it.
    Rule(
        "textbooks:orf-line-update",
        expect(302, 302, 403, 403, 403),
        kwargs=line_ba,
        method="post",
        data=lambda w: {"copies": "1", "price": "10"},
    ),
    Rule("textbooks:orf-line-delete", POST_ONLY_ANY, kwargs=line_ba),
    Rule("textbooks:orf-line-agree", POST_ONLY_ANY, kwargs=line_ba),
    # The roles take turns on one world: once the office has made a step it is gone (403 for
    # everyone after). The schools' own steps are in tests/textbooks/test_orf_transfers.py.
    Rule("textbooks:orf-line-agree", OFFICE_POST, kwargs=line_ba, method="post"),
    Rule("textbooks:orf-transfer-list", EVERYONE),
    Rule("textbooks:orf-transfer-detail", PARTIES_READ, kwargs=transfer("transfer_ab")),
    Rule(
        "textbooks:orf-transfer-detail",
        SCHOOL_A_OBJECT,
        kwargs=transfer("transfer_ac"),
        label="A → C",
    ),
    Rule("textbooks:orf-transfer-edit", POST_ONLY_ANY, kwargs=transfer("transfer_ab")),
    Rule(
        "textbooks:orf-transfer-edit",
        OFFICE_POST,
        kwargs=transfer("transfer_ab"),
        method="post",
        data=lambda w: {"kind": "permanent"},
    ),
    Rule("textbooks:orf-transfer-step", POST_ONLY_ANY, kwargs=transfer("transfer_ab", "deliver")),
    # A → B agreed: the office confirms receipt first; then the step is gone.
    Rule(
        "textbooks:orf-transfer-step",
        OFFICE_POST,
        kwargs=transfer("transfer_ab", "deliver"),
        method="post",
        label="deliver",
    ),
    # A → C delivered: B does not see it.
    Rule(
        "textbooks:orf-transfer-step",
        expect(302, 302, 403, 404, 403),
        kwargs=transfer("transfer_ac", "return"),
        method="post",
        label="return",
    ),
    Rule(
        "textbooks:orf-transfer-step",
        OFFICE_POST,
        kwargs=transfer("transfer_ab", "cancel"),
        method="post",
        label="cancel",
    ),
    Rule("textbooks:orf-act", PARTIES_READ, kwargs=transfer("transfer_ab")),
    Rule("textbooks:orf-act", SCHOOL_A_OBJECT, kwargs=transfer("transfer_ac"), label="A → C"),
    # No act before the agreement.
    Rule(
        "textbooks:orf-act",
        expect(302, 404, 404, 404, 404),
        kwargs=transfer("transfer_ba"),
        label="proposed",
    ),
    Rule(
        "reports:download",
        EVERYONE,
        kwargs=report("orf", "pdf"),
        query="?year=2021-2022",
        label="orf",
    ),
    Rule(
        "reports:download",
        OFFICE_AND_COMMITTEE,
        kwargs=report("orf-transfers", "xlsx"),
        query="?year=2021-2022",
        label="orf-transfers",
    ),
    Rule(
        "reports:download",
        OFFICE_AND_COMMITTEE,
        kwargs=report("orf-unmet", "pdf"),
        query="?year=2021-2022",
        label="orf-unmet",
    ),
]
