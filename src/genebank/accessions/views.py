from django.shortcuts import render


def accession_list(request):
    return render(request, "accessions/list.html", {})
