"""Customer onboarding through HTTP: accounts linked to ERP customers, portal invitations, CSV import."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_onboard_with_a_portal_invitation(admin: TestClient, app: FastAPI) -> None:
    created = admin.post("/v1/customers", json={"erp_customer": "cus_acme", "portal_access": True,
                                                "settings": {"preferred_method": "ach"}})
    assert created.status_code == 201, created.text
    account = created.json()
    assert account["name"] == "Acme Builders LLC" and account["email"] == "ap@acme.example"  # from the ERP
    assert account["portal"]["status"] == "invited" and account["portal_invite"]["token"].startswith("pht_")
    with TestClient(app, headers={"Authorization": f"Bearer {account['portal_invite']['token']}"}) as portal:
        assert [i["id"] for i in portal.get("/v1/customers/cus_acme/invoices").json()["data"]] == [
            "inv_acme_1001", "inv_acme_1002"]
    fetched = admin.get("/v1/customers/cus_acme").json()
    assert fetched["settings"] == {"preferred_method": "ach"} and "portal_invite" not in fetched
    assert admin.post("/v1/customers", json={"erp_customer": "cus_nobody"}).status_code == 404
    assert admin.post("/v1/customers", json={"erp_customer": "cus_acme", "email": "not-an-email"}).status_code == 422


def test_csv_import_reports_every_row(admin: TestClient) -> None:
    csv = ("erp_customer,email,portal_access,setting.terms\n"
           "cus_globex,billing@globex.example,true,net30\n"
           "cus_nobody,,false,\n"
           "cus_initech,broken-email,no,\n"
           "cus_acme,,maybe,\n"
           "cus_initech,ap@initech.example,false,net45\n")
    response = admin.post("/v1/customers/import", content=csv, headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["updated"], report["error"]) == (2, 0, 3)
    assert [(r["line"], r["status"]) for r in report["rows"]] == [
        (2, "created"), (3, "error"), (4, "error"), (5, "error"), (6, "created")]
    assert report["rows"][1]["error"]["code"] == "customer_not_found"
    assert report["rows"][0]["portal_invite"]["token"].startswith("pht_")
    assert [a["id"] for a in admin.get("/v1/customers").json()["data"]] == ["cus_globex", "cus_initech"]
    assert admin.get("/v1/customers/cus_initech").json()["settings"] == {"terms": "net45"}
    bad = admin.post("/v1/customers/import", content="email\nx@y.z\n", headers={"Content-Type": "text/csv"})
    assert bad.status_code == 422
