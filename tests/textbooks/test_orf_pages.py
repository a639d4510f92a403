"""The ОРФ pages: the list (with a constant number of queries), the public page, a school's
offers and needs, the proposal page, transfers and the act."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from tests.base import client_for, count_queries
from tests.factories import make_school
from textbooks import exchange
from textbooks.models import ExchangeNeed, ExchangeOffer, TransferStatus

from .factories import make_fpu, xlsx_bytes
from .orf_factories import YEAR, make_need, make_offer, make_transfer

pytestmark = pytest.mark.django_db

YEAR_LABEL = "2021-2022"


def url(name, *args, **query):
    query = {"year": YEAR_LABEL, **query}
    return (
        reverse(f"textbooks:{name}", args=args)
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def add_offers(n, grade=5):
    for _ in range(n):
        make_offer(make_school(), make_fpu(grades=[grade]), copies=3)


def test_the_list_shows_what_is_left_and_filters_by_grade_and_subject(client, librarian_b):
    algebra = make_fpu(grades=[7, 8, 9], authors="Макарычев Ю.Н.", title="Алгебра")
    offer = make_offer(make_school(short_name="Гимназия № 5"), algebra, copies=8, subject="Алгебра")
    make_offer(make_school(), make_fpu(grades=[2]), copies=4, subject="Математика")
    make_transfer(offer, make_need(make_school(), algebra, 3, grade=7), 3, TransferStatus.AGREED)
    client_for(client, librarian_b)
    page = client.get(url("orf-list")).content.decode()
    assert "Гимназия № 5" in page and "Макарычев" in page
    assert ">5</td>" in page  # 8 offered, 3 promised
    assert "Макарычев" in client.get(url("orf-list", grade=8)).content.decode()
    assert "Макарычев" not in client.get(url("orf-list", grade=2)).content.decode()
    assert "Макарычев" not in client.get(url("orf-list", subject="Математика")).content.decode()
    assert "Макарычев" in client.get(url("orf-list", q="макарычев")).content.decode()


def test_the_list_makes_the_same_number_of_queries_for_more_offers(client, librarian_a):
    client_for(client, librarian_a)
    add_offers(3)
    small = count_queries(lambda: client.get(url("orf-list")))
    add_offers(30)
    assert count_queries(lambda: client.get(url("orf-list"))) == small


def test_the_public_page_exists_only_while_published(client, methodologist):
    offer = make_offer(make_school(short_name="Лицей № 2"), make_fpu(title="Геометрия"), copies=6)
    assert client.get(reverse("textbooks:orf-public")).status_code == 404
    assert client.get(reverse("textbooks:orf-public-download", args=["xlsx"])).status_code == 404
    exchange.round_publish(start_year=offer.start_year, user=methodologist)
    page = client.get(reverse("textbooks:orf-public"))
    assert page.status_code == 200 and "Лицей № 2" in page.content.decode()
    workbook = client.get(reverse("textbooks:orf-public-download", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet["C2"].value == "Геометрия" and sheet["H2"].value == 6
    pdf = client.get(reverse("textbooks:orf-public-download", args=["pdf"]))
    assert pdf.content.startswith(b"%PDF")
    exchange.round_unpublish(start_year=offer.start_year, user=methodologist)
    assert client.get(reverse("textbooks:orf-public")).status_code == 404


def test_publishing_from_the_list_page(client, methodologist):
    client_for(client, methodologist)
    response = client.post(reverse("textbooks:orf-publish"), {"year": YEAR_LABEL})
    assert response.status_code == 302
    assert exchange.published_round().start_year == YEAR


def test_a_librarian_adds_an_offer_and_a_need_for_her_own_school(client, librarian_a, school_a):
    fpu = make_fpu(code="1.1.2.4.1.1.9", grades=[5, 6], title="Математика")
    client_for(client, librarian_a)
    response = client.post(
        url("orf-offer-create"),
        {"code": fpu.code, "edition_year": "2020", "copies": "7", "condition": "new",
         "price": "312.50", "available_until": "2021-08-31"},
    )  # fmt: skip
    assert response.status_code == 302
    offer = ExchangeOffer.objects.get(copies=7)
    assert (offer.school, offer.start_year, offer.copies, offer.price) == (
        school_a, YEAR, 7, Decimal("312.50")
    )  # fmt: skip
    client.post(url("orf-offer-create"), {"code": fpu.code, "copies": "1", "condition": "fair"})
    assert ExchangeOffer.objects.get(copies=1).price == 0  # no price given
    bad = client.post(url("orf-need-create"), {"code": fpu.code, "grade": "9", "copies": "2"})
    assert "для 5-6 кл." in bad.content.decode()
    client.post(url("orf-need-create"), {"authors": "Мерзляк А.Г.", "title": "Алгебра",
                                         "grade": "7", "copies": "2"})  # fmt: skip
    need = ExchangeNeed.objects.get()
    assert (need.fpu_entry, need.title, need.school) == (None, "Алгебра", school_a)
    page = client.get(url("orf-declarations")).content.decode()
    assert "любое издание" in page and "Математика" in page


def test_another_schools_offer_is_not_found_and_the_committee_reads_only(
    client, librarian_b, committee, school_a
):
    offer = make_offer(school_a)
    edit = reverse("textbooks:orf-offer-edit", args=[offer.pk])
    assert client_for(client, librarian_b).get(edit).status_code == 404
    client.logout()
    client_for(client, committee)
    assert client.get(reverse("textbooks:orf-offer-edit", args=[offer.pk])).status_code == 200
    posted = client.post(reverse("textbooks:orf-offer-edit", args=[offer.pk]), {"copies": "1"})
    assert posted.status_code == 403


def test_offers_upload_with_preview_saves_all_rows_or_nothing(client, librarian_a, school_a):
    fpu = make_fpu(code="1.1.2.4.1.1.7", grades=[5])
    header = ["Код ФПУ", "Авторы", "Наименование", "Год издания", "Экземпляров", "Состояние"]
    client_for(client, librarian_a)
    bad = xlsx_bytes([header, [fpu.code, None, None, 2019, 5, "хорошее"],
                      ["9.9.9", None, None, 2019, 0, "отличное"]])  # fmt: skip
    response = client.post(url("orf-import", "offers"), {"file": _upload(bad)})
    text = response.content.decode()
    assert "Строка 3" in text and "нет в федеральном перечне" in text and "не из списка" in text
    assert not ExchangeOffer.objects.exists()
    good = xlsx_bytes([header, [fpu.code, None, None, 2019, 5, "новый"]])
    preview = client.post(url("orf-import", "offers"), {"file": _upload(good)})
    token = preview.context["token"]
    client.post(url("orf-import", "offers"), {"token": token})
    offer = ExchangeOffer.objects.get()
    assert (offer.school, offer.copies, offer.condition, offer.edition_year) == (
        school_a, 5, "new", 2019
    )  # fmt: skip


def test_needs_upload_accepts_any_edition_by_authors_and_title(client, librarian_a):
    header = ["Код ФПУ", "Авторы", "Наименование", "Класс", "Экземпляров", "Нужно к"]
    client_for(client, librarian_a)
    data = xlsx_bytes([header, [None, "Атанасян Л.С.", "Геометрия", 8, 4, "01.09.2021"]])
    preview = client.post(url("orf-import", "needs"), {"file": _upload(data)})
    client.post(url("orf-import", "needs"), {"token": preview.context["token"]})
    need = ExchangeNeed.objects.get()
    assert (need.title, need.grade, need.copies, str(need.needed_by)) == (
        "Геометрия", 8, 4, "2021-09-01"
    )  # fmt: skip
    template = client.get(reverse("textbooks:orf-template", args=["needs"]))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]][:5] == ["Код ФПУ", "Авторы", "Наименование", "Класс",
                                              "Экземпляров"]  # fmt: skip


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("файл.xlsx", content)


def build_pairs(n):
    for _ in range(n):
        fpu = make_fpu(grades=[5])
        make_offer(make_school(), fpu, copies=5)
        make_need(make_school(), fpu, copies=3)
    exchange.matching_run(start_year=YEAR, user=None)


def test_the_proposal_page_shows_lines_and_unmet_needs_in_constant_queries(client, methodologist):
    client_for(client, methodologist)
    build_pairs(2)
    make_need(make_school(short_name="Школа без пары"), make_fpu(title="Редкий учебник"), 2)
    page = client.get(url("orf-proposal"))
    text = page.content.decode()
    assert text.count('data-testid="proposal-transfer"') == 2
    assert "Школа без пары" in text and "Редкий учебник" in text
    small = count_queries(lambda: client.get(url("orf-proposal")))
    build_pairs(20)
    assert count_queries(lambda: client.get(url("orf-proposal"))) == small


def test_the_transfer_list_makes_the_same_number_of_queries_for_more_transfers(client, committee):
    client_for(client, committee)
    build_pairs(2)
    small = count_queries(lambda: client.get(url("orf-transfer-list")))
    build_pairs(20)
    assert count_queries(lambda: client.get(url("orf-transfer-list"))) == small


def test_a_librarian_sees_only_her_schools_transfers(client, school_a, school_b, librarian_a):
    fpu = make_fpu()
    make_transfer(make_offer(school_a, fpu), make_need(school_b, fpu))
    make_transfer(make_offer(school_b, fpu), make_need(make_school(short_name="Чужая"), fpu))
    client_for(client, librarian_a)
    page = client.get(url("orf-transfer-list")).content.decode()
    assert page.count("№ 1</a>") == 1 and "Чужая" not in page


def test_the_office_edits_and_agrees_lines_on_the_proposal_page(client, methodologist):
    client_for(client, methodologist)
    build_pairs(1)
    line = exchange.TransferLine.objects.get()
    update = reverse("textbooks:orf-line-update", args=[line.pk])
    client.post(update, {"copies": "2", "price": "99.90"})
    line.refresh_from_db()
    assert (line.copies, line.price) == (2, Decimal("99.90"))
    too_many = client.post(
        update, {"copies": "4", "price": "1"},
        follow=True,
    )  # fmt: skip
    assert "нужно ещё только 3" in too_many.content.decode()
    client.post(reverse("textbooks:orf-line-agree", args=[line.pk]))
    line.refresh_from_db()
    assert line.agreed and line.transfer.status == TransferStatus.AGREED
    assert line.offer.allocated == 2


def test_the_home_page_tells_the_receiving_librarian_what_to_confirm(
    client, school_a, school_b, librarian_b
):
    from .factories import make_campaign

    make_campaign(start_year=YEAR)
    fpu = make_fpu()
    make_transfer(make_offer(school_a, fpu), make_need(school_b, fpu), 2, TransferStatus.AGREED)
    page = client_for(client, librarian_b).get(reverse("home")).content.decode()
    assert 'data-testid="orf-panel"' in page and "Подтвердить получение: 1" in page
