from datetime import date

import pytest
from django.urls import reverse

from tests.base import client_for, count_queries
from textbooks import services
from textbooks.models import Appendix, Enrollment, ProvisionRow, Status

from .factories import make_campaign, make_fpu, make_row, make_submission

pytestmark = pytest.mark.django_db

FIELDS = ["id", "grade", "subject", "code", "authors", "title", "edition_year", "pupils", "fund",
          "write_off", "from_orf", "need_reason"]  # fmt: skip


def grid_data(lines: list[dict]) -> dict:
    data = {"rows-TOTAL": str(len(lines))}
    for index, line in enumerate(lines):
        for name in FIELDS:
            data[f"rows-{index}-{name}"] = str(line.get(name, ""))
        if line.get("delete"):
            data[f"rows-{index}-delete"] = "1"
    return data


def line_of(row: ProvisionRow, **changes) -> dict:
    line = {
        "id": row.pk,
        "grade": row.grade,
        "subject": row.subject,
        "code": row.fpu_entry.code if row.fpu_entry else "",
        "title": row.title,
        "pupils": row.pupils,
        "fund": row.fund,
        "write_off": row.write_off,
        "from_orf": row.from_orf,
    }
    return {**line, **changes}


@pytest.fixture
def submission(librarian_a):
    return make_submission(librarian_a.school)


def test_formulas(submission):
    row = make_row(submission, pupils=25, fund=20, write_off=3, from_orf=2)
    assert (row.usable, row.need, row.surplus) == (19, 6, 0)
    assert row.percent == pytest.approx(76.0)
    row.fund, row.write_off, row.from_orf = 40, 5, 0
    assert (row.usable, row.percent, row.need, row.surplus) == (35, 100.0, 0, 10)
    row.pupils = 0
    assert row.percent is None and row.need == 0
    row.is_usable = False
    assert row.usable == 0


def test_librarian_fills_rows_and_sees_the_figures(client, librarian_a, submission):
    math = make_fpu(grades=[5, 6], title="Математика")
    russian = make_fpu(grades=[5], title="Русский язык")
    client_for(client, librarian_a)
    url = submission.get_absolute_url()
    data = grid_data(
        [
            {"grade": 5, "subject": "Математика", "code": math.code, "pupils": 25, "fund": 30},
            {"grade": 5, "subject": "Русский язык", "code": russian.code, "pupils": 25,
             "fund": 20, "write_off": 2, "from_orf": 3, "need_reason": "loss"},
        ]
    )  # fmt: skip
    response = client.post(url, data, follow=True)
    assert "добавлено строк 2" in response.content.decode()
    rows = {row.title: row for row in submission.rows.all()}
    assert rows["Русский язык"].need == 4 and rows["Русский язык"].need_reason == "loss"
    assert rows["Математика"].surplus == 5
    assert response.context["totals"]["pupils"] == 50
    assert response.context["totals"]["need"] == 4


@pytest.mark.parametrize(
    "line, message",
    [
        ({"pupils": -1}, "не может быть меньше 0"),
        ({"fund": "2.5"}, "нужно целое число"),
        ({"fund": 5, "write_off": 6}, "больше, чем «В фонде»"),
        ({"grade": 12}, "с 1 по 11"),
        ({"code": "9.9.9.9"}, "нет в федеральном перечне"),
        ({"subject": ""}, "«Предмет»: не заполнено"),
    ],
)
def test_errors_block_saving(client, librarian_a, submission, line, message):
    entry = make_fpu(grades=[5])
    base = {"grade": 5, "subject": "Математика", "code": entry.code, "pupils": 25, "fund": 20}
    client_for(client, librarian_a)
    response = client.post(submission.get_absolute_url(), grid_data([{**base, **line}]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "ничего не сохранено" in response.content.decode()
    assert not submission.rows.exists()


def test_the_same_textbook_twice_for_a_grade_is_an_error(client, librarian_a, submission):
    entry = make_fpu(grades=[5])
    line = {"grade": 5, "subject": "Математика", "code": entry.code, "pupils": 25, "fund": 20}
    client_for(client, librarian_a)
    response = client.post(submission.get_absolute_url(), grid_data([line, line]))
    assert "уже указан" in response.content.decode()
    assert not submission.rows.exists()


def test_warnings_are_saved_and_flagged(client, librarian_a, submission):
    Enrollment.objects.create(school=submission.school, start_year=2021, grade=7, pupils=30)
    expired = make_fpu(grades=[7], appendix=Appendix.EXCLUDED, end_date=date(2021, 5, 31))
    for_grade_5 = make_fpu(grades=[5])
    client_for(client, librarian_a)
    data = grid_data(
        [
            {"grade": 7, "subject": "История", "code": expired.code, "pupils": 30, "fund": 30},
            {"grade": 7, "subject": "Математика", "code": for_grade_5.code, "pupils": 28,
             "fund": 28},
        ]
    )  # fmt: skip
    client.post(submission.get_absolute_url(), data)
    history, math = submission.rows.order_by("subject")
    assert not history.is_usable and history.usable == 0 and history.need == 30
    assert "нельзя использовать в 2021-2022" in history.warnings
    assert "предназначен для 5 кл." in math.warnings
    assert "по контингенту в 7 классе 30" in math.warnings
    assert "обеспеченность 0,0 %" in history.warnings


def test_a_grade_is_saved_without_touching_other_grades(client, librarian_a, submission):
    row5 = make_row(submission, grade=5)
    row6 = make_row(submission, grade=6)
    client_for(client, librarian_a)
    url = submission.get_absolute_url() + "?grade=5"
    response = client.get(url)
    assert [line["id"] for line in response.context["lines"] if line["id"]] == [row5.pk]
    client.post(url, grid_data([line_of(row5, fund=99)]))
    row5.refresh_from_db()
    assert row5.fund == 99
    assert ProvisionRow.objects.filter(pk=row6.pk).exists()


def test_a_duplicate_against_an_unposted_row_is_refused(client, librarian_a, submission):
    entry = make_fpu(grades=[5, 6])
    make_row(submission, entry, grade=6)
    row5 = make_row(submission, grade=5)
    client_for(client, librarian_a)
    line = line_of(row5, grade=6, code=entry.code)
    response = client.post(submission.get_absolute_url() + "?grade=5", grid_data([line]))
    assert "указан дважды" in response.content.decode()


def test_rows_are_deleted_and_changes_kept_in_history(client, librarian_a, submission):
    row = make_row(submission, fund=20)
    gone = make_row(submission, grade=6)
    client_for(client, librarian_a)
    client.post(
        submission.get_absolute_url(),
        grid_data([line_of(row, fund=22), line_of(gone, delete=True)]),
    )
    assert not ProvisionRow.objects.filter(pk=gone.pk).exists()
    latest = row.history.latest()
    assert latest.history_user == librarian_a
    assert latest.diff_against(latest.prev_record).changes[0].old == 20
    page = client.get(reverse("textbooks:row-history", args=[row.pk])).content.decode()
    assert "В фонде: 20 → 22" in page
    assert ProvisionRow.history.filter(id=gone.pk, history_type="-").exists()


def test_an_accepted_submission_is_locked(client, librarian_a):
    submission = make_submission(librarian_a.school, status=Status.ACCEPTED)
    client_for(client, librarian_a)
    assert client.post(submission.get_absolute_url(), grid_data([])).status_code == 403
    assert "Сохранить" not in client.get(submission.get_absolute_url()).content.decode()


def test_start_from_last_year(librarian_a):
    school = librarian_a.school
    old = make_submission(school, make_campaign(2020, date(2020, 5, 20)))
    make_row(old, grade=5, pupils=25, fund=30)
    make_row(old, grade=11, pupils=20, fund=20)  # leaves school
    Enrollment.objects.create(school=school, start_year=2021, grade=6, pupils=27)
    new = make_submission(school, make_campaign(2021))
    assert services.provision_copy_last_year(submission=new, user=librarian_a) == 1
    row = new.rows.get()
    assert (row.grade, row.pupils, row.fund) == (6, 27, 30)
    # Running it again adds nothing twice.
    assert services.provision_copy_last_year(submission=new, user=librarian_a) == 0


def _fill(submission, count):
    entries = [make_fpu(grades=[1 + i % 11]) for i in range(count)]
    for i, entry in enumerate(entries):
        make_row(submission, entry, grade=1 + i % 11)


@pytest.mark.parametrize("size", [30, 300])
def test_the_grid_saves_a_whole_school_of_many_fields(client, librarian_a, submission, size):
    _fill(submission, size)
    client_for(client, librarian_a)
    lines = [line_of(row) for row in submission.rows.select_related("fpu_entry")]
    data = grid_data(lines)
    assert size < 300 or len(data) > 1000
    response = client.post(submission.get_absolute_url(), data, follow=True)
    assert response.status_code == 200
    assert "изменено 0" in response.content.decode()


def test_grid_queries_do_not_grow_with_rows(client, librarian_a, submission):
    """Load and save (one row changed, one added) at 30 and 300 rows: the same query count."""
    client_for(client, librarian_a)
    url = submission.get_absolute_url()

    def measure():
        rows = list(submission.rows.select_related("fpu_entry"))
        lines = [line_of(row) for row in rows]
        lines[0]["fund"] = int(lines[0]["fund"]) + 1
        extra = make_fpu(grades=[3])
        lines.append({"grade": 3, "subject": "Чтение", "code": extra.code, "pupils": 1,
                      "fund": 1})  # fmt: skip
        data = grid_data(lines)
        load = count_queries(lambda: client.get(url))
        save = count_queries(lambda: client.post(url, data))
        return load, save

    _fill(submission, 30)
    small = measure()
    _fill(submission, 270)
    assert submission.rows.count() > 300
    assert measure() == small
