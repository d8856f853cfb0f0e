"""CSV and Excel import in admin: bad rows are named by their line in the file, and a bad file writes nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from stakeholders.models import Contact, Organisation, Tag
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"  # positions in IMPORT_FORMATS
HEADER = "name,kind,scope,kvk_number,country,tier,owner,tags,influence,interest,status\n"


def upload(client, model, content: bytes, name: str, file_format: str):
    return client.post(
        reverse(f"admin:stakeholders_{model}_import"),
        {"resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    return client.post(reverse(f"admin:stakeholders_{model}_process_import"), form.initial)


def test_file_with_bad_rows_is_refused_with_line_numbers_and_nothing_is_written(admin_client):
    content = (
        HEADER
        + "Stichting Goed,ngo,local,12345678,NL,regular,,Pilot,3,3,active\n"
        + "Stichting Fout,club,local,,NL,regular,,,3,3,active\n"
        + "Stichting Ook Goed,ngo,national,,NL,key,,,3,3,active\n"
        + "Stichting Nummer,ngo,local,1234,NL,regular,,,9,3,active\n"
    ).encode()

    response = upload(admin_client, "organisation", content, "organisaties.csv", CSV)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Regel 3, kind" in page
    assert "Regel 5, kvk_number" in page
    assert "Regel 5, influence" in page
    assert "Regel 2" not in page and "Regel 4" not in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Organisation.objects.exists()
    assert not Tag.objects.exists()


def test_unknown_owner_is_reported_on_its_line(admin_client):
    content = (HEADER + "Stichting Goed,ngo,local,,NL,regular,nobody,,3,3,active\n").encode()

    response = upload(admin_client, "organisation", content, "organisaties.csv", CSV)

    assert "Regel 2, owner: Er is geen gebruiker met username “nobody”." in response.content.decode()
    assert not Organisation.objects.exists()


def test_duplicate_kvk_number_in_the_database_is_refused(admin_client):
    OrganisationFactory(kvk_number="12345678")
    content = (HEADER + "Stichting Dubbel,ngo,local,12345678,NL,regular,,,3,3,active\n").encode()

    response = upload(admin_client, "organisation", content, "organisaties.csv", CSV)

    assert "Regel 2" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_good_csv_is_previewed_then_imported_with_owner_tier_and_labels(admin_client, liaison_officer):
    content = (
        HEADER + f"Gemeente Ede,municipality,local,,NL,key,{liaison_officer.username},Pilot,4,5,active\n"
    ).encode()

    preview = upload(admin_client, "organisation", content, "organisaties.csv", CSV)
    assert not Organisation.objects.exists()
    response = confirm(admin_client, "organisation", preview)

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Gemeente Ede")
    assert organisation.owner == liaison_officer
    assert organisation.tier.code == "key"
    assert [tag.name for tag in organisation.tags.all()] == ["Pilot"]
    assert organisation.history.earliest().history_type == "+"


def test_excel_contacts_import_reports_the_bad_line(admin_client):
    organisation = OrganisationFactory()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["organisation", "first_name", "last_name", "level", "email", "preferred_language"])
    sheet.append([organisation.id, "Anna", "Jansen", "policy", "anna@partner.example", "nl"])
    sheet.append([organisation.id, "Bram", "Bakker", "board", "bram@partner.example", "nl"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(admin_client, "contact", buffer.getvalue(), "contactpersonen.xlsx", XLSX)

    assert "Regel 3, level" in response.content.decode()
    assert not Contact.objects.exists()


def test_export_gives_a_csv_with_one_line_per_organisation(admin_client):
    OrganisationFactory.create_batch(3)

    response = admin_client.post(
        reverse("admin:stakeholders_organisation_export"),
        {"resource": "0", "format": CSV, **{f"organisationresource_{f}": "on" for f in ["id", "name", "kind"]}},
    )

    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert lines[0][:3] == ["id", "name", "kind"]
    assert len(lines) == 4
