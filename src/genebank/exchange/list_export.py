"""The accession list's MCPD export (registered in ExchangeConfig.ready() as a list export).

The MCPD services are imported on first use, not when the apps start: every command starts them.
"""

from __future__ import annotations

import tempfile

from django.http import FileResponse, StreamingHttpResponse


def export_accession_list(request, selection):
    """The accession list's filtered selection as an MCPD v2.1 file, streamed: CSV, or Excel
    with format=xlsx.

    public=1 makes the file for publication: public accessions only, and the sites of sensitive
    accessions withheld (as `genebank export mcpd --public`). Without it, sensitive sites are
    withheld unless the user may see them (accessions.sensitive). Both are meant for a
    spreadsheet program: the CSV neutralises formulas, the workbook holds only text.
    """
    from genebank.exchange.export_jobs import export_as_job
    from genebank.exchange.mcpd_export import csv_lines, iter_mcpd_rows, write_xlsx

    # More rows than settings.EXPORT_JOB_ROWS: made by a worker, offered on the job's page.
    queued = export_as_job(request, selection)
    if queued is not None:
        return queued
    public = request.GET.get("public") == "1"
    if public:
        selection = selection.filter(is_public=True)
    rows = iter_mcpd_rows(selection, public_only=public, user=request.user)
    name = "accessions-mcpd-public" if public else "accessions-mcpd"
    if request.GET.get("format") == "xlsx":
        workbook = tempfile.TemporaryFile()  # gone once the response has sent it
        write_xlsx(workbook, rows)
        workbook.seek(0)
        return FileResponse(workbook, as_attachment=True, filename=f"{name}.xlsx")
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
