"""The admin shows lots and the ledger but cannot change them."""

from genebank.inventory import services


def test_admin_lists_lots_and_transactions_read_only(
    client, accession, technician, django_user_model
):
    lot = services.receive(accession, 100, "seeds", "active", technician)
    boss = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(boss)
    for url in (
        "/admin/inventory/seedlot/",
        f"/admin/inventory/seedlot/{lot.pk}/change/",
        "/admin/inventory/lottransaction/",
        "/admin/inventory/storagelocation/",
        "/admin/inventory/reservelevel/add/",
        "/admin/inventory/processingstep/",
        "/admin/inventory/stocktake/",
        "/admin/inventory/environmentreading/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/inventory/lottransaction/add/").status_code == 403
    entry = lot.transactions.get()
    response = client.post(f"/admin/inventory/lottransaction/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert lot.transactions.count() == 1
