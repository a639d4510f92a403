from . import OFFICE_ONLY, POST_ONLY_OFFICE, SCHOOL_A_OBJECT, Rule, expect


def a(world):
    return {"pk": world.school_a.pk}


def lib_a(world):
    return {"pk": world.users["librarian_a"].pk}


RULES = [
    Rule("schools:list", expect(302, 200, 200, 200, 200)),
    Rule("schools:create", OFFICE_ONLY),
    Rule("schools:detail", SCHOOL_A_OBJECT, kwargs=a),
    # A librarian may see her school but not change the directory.
    Rule("schools:edit", OFFICE_ONLY, kwargs=a),
    Rule("schools:set-active", POST_ONLY_OFFICE, kwargs=a),
    Rule(
        "schools:set-active",
        expect(302, 302, 403, 403, 403),
        kwargs=a,
        method="post",
        data=lambda w: {"active": "1"},
    ),
    Rule("schools:account-list", OFFICE_ONLY),
    Rule("schools:account-create", OFFICE_ONLY),
    Rule("schools:account-edit", OFFICE_ONLY, kwargs=lib_a),
    Rule("schools:account-password", OFFICE_ONLY, kwargs=lib_a),
    Rule("schools:account-set-active", POST_ONLY_OFFICE, kwargs=lib_a),
]
