# Bounds every quantity of the ledger at 10^9 seeds or grams (genebank.inventory.units.MAX_QUANTITY).

from decimal import Decimal

from django.db import migrations, models

MAX = 1_000_000_000


def refuse_oversized_rows(apps, schema_editor):
    """Stop, naming the lots, when rows from before the bound already exceed it.

    Adding the constraints would fail on them anyway, with a bare "CHECK constraint failed". The
    ledger is append-only, so such rows are not rewritten here: correcting history is a decision
    for the genebank's administrators. Plain SQL reads them, because SQLite may hold values too
    long for the column, which the ORM cannot read back.
    """
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT lot.number FROM inventory_seedlot lot"
            " LEFT JOIN inventory_lottransaction t ON t.lot_id = lot.id"
            " WHERE lot.quantity > %s OR t.quantity > %s OR t.quantity < %s"
            " OR t.balance_after > %s OR t.entered_quantity > %s ORDER BY lot.number",
            [MAX, MAX, -MAX, MAX, MAX],
        )
        lots = [row[0] for row in cursor.fetchall()]
    if lots:
        raise RuntimeError(
            f"Lots {', '.join(lots)} hold, or have ledger entries of, more than {MAX:,} seeds or "
            "grams, the most a lot may now hold: entries typed in error before this bound. The "
            "ledger refuses changes (trigger inventory_lottransaction_append_only), so an "
            "administrator corrects them in the database, then runs the migration again."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0004_lean_history_indexes'),
    ]

    operations = [
        migrations.RunPython(refuse_oversized_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='lottransaction',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', Decimal('-1000000000')), ('quantity__lte', Decimal('1000000000')), ('balance_after__lte', Decimal('1000000000')), ('entered_quantity__lte', Decimal('1000000000'))), name='transaction_quantities_at_most_max'),
        ),
        migrations.AddConstraint(
            model_name='seedlot',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__lte', Decimal('1000000000'))), name='lot_quantity_at_most_max'),
        ),
    ]
