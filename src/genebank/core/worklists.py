"""Work lists: records to act on, in one table with sorting, filters, paging, CSV, bulk actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters import FilterSet
from django_tables2 import RequestConfig

from genebank.core import permissions
from genebank.core.forms import style_fields
from genebank.core.spreadsheets import spreadsheet_csv

PAGE_SIZE = 50
# More rows than this in one bulk action is refused: a page of checkboxes never holds as many.
MAX_SELECTED = 2000


@dataclass(frozen=True)
class BulkAction:
    """Something done to the rows a user ticks: run(objects, request, options) -> response.

    objects are already limited to what the list shows the user; an action that changes state
    checks its own permission and calls a service. options_form, if any, is a form of the
    action's own choices (label size, ...), shown beside the action and cleaned before run.
    """

    model: type[Model]
    name: str
    label: str
    run: Callable[[QuerySet, HttpRequest, dict], HttpResponse]
    options_form: type[forms.Form] | None = None

    def form(self, data=None) -> forms.Form | None:
        if self.options_form is None:
            return None
        form = self.options_form(data, prefix=self.name)
        style_fields(form.fields, "sm")
        return form


_ACTIONS: dict[tuple[type[Model], str], BulkAction] = {}


def register_action(model, name: str, label, run, options_form=None) -> None:
    """Offer an action on every work list of this model; apps call it in AppConfig.ready()."""
    _ACTIONS[(model, name)] = BulkAction(model, name, label, run, options_form)


def actions_for(model) -> list[BulkAction]:
    return [action for (owner, _name), action in _ACTIONS.items() if owner is model]


class SelectColumn(tables.CheckBoxColumn):
    """The row's tick box (name "selected", value its key); the header one ticks the whole page
    through static/genebank/worklist.js."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault(
            "attrs",
            {
                "th__input": {
                    "class": "form-check-input",
                    "data-select-all": "selected",
                    "aria-label": gettext_lazy("Select all rows of this page"),
                },
                "td__input": {
                    "class": "form-check-input",
                    "aria-label": gettext_lazy("Select this row"),
                },
            },
        )
        super().__init__(**kwargs)


class WorkListTable(tables.Table):
    """The base of every work list's table: a tick box first, Bootstrap classes, translated
    empty text."""

    selected = SelectColumn()

    class Meta:
        template_name = "worklist_table.html"
        attrs = {"class": "table table-sm table-hover bg-body align-middle"}
        empty_text = gettext_lazy("Nothing to show.")


class WorkList(View):
    """A work list page. Subclasses give title, table_class, filterset_class and rows()."""

    title = ""
    table_class: type[WorkListTable]
    filterset_class: type[FilterSet] | None = None
    template_name = "worklist.html"
    csv_name = "worklist"
    # None: every action registered for the rows' model; a tuple of names keeps only those.
    action_names: tuple[str, ...] | None = None
    paginate_by = PAGE_SIZE

    def rows(self, request: HttpRequest, institutes: QuerySet) -> QuerySet:
        """The records of this list at the institutes the user may see, with what the table's
        columns need joined (select_related), so a page costs the same queries for any rows."""
        raise NotImplementedError

    def table_kwargs(self, request: HttpRequest) -> dict:
        """Extra arguments for the table (values computed once per request)."""
        return {}

    def extra_context(self, request: HttpRequest) -> dict:
        return {}

    # --- the machinery ---

    def visible(self, request: HttpRequest) -> QuerySet:
        return self.rows(request, permissions.institutes_where(request.user, permissions.VIEW))

    def filtered(self, request: HttpRequest) -> tuple[FilterSet | None, QuerySet]:
        rows = self.visible(request)
        if self.filterset_class is None:
            return None, rows
        filterset = self.filterset_class(request.GET or None, queryset=rows, request=request)
        style_fields(filterset.form.fields, "sm")
        if filterset.is_bound and not filterset.is_valid():
            # A refused filter (a stale choice in a bookmark, another institute's place) shows
            # its error and no rows, rather than every row as if it were not there.
            return filterset, rows.none()
        return filterset, filterset.qs

    def actions(self, model) -> list[BulkAction]:
        found = actions_for(model)
        if self.action_names is not None:
            found = [a for a in found if a.name in self.action_names]
        return found

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset, rows = self.filtered(request)
        table = self.table_class(rows, **self.table_kwargs(request))
        return self.respond(request, table, filterset, self.actions(rows.model))

    def respond(
        self, request: HttpRequest, table, filterset, actions: list[BulkAction]
    ) -> HttpResponse:
        """The table sorted as asked, then its CSV or a page of it with the filter and actions."""
        RequestConfig(request, paginate=False).configure(table)  # the sorting (?sort=)
        if request.GET.get("export") == "csv":
            return self.csv(table)
        self.paginate(table, request.GET.get("page") or 1)
        params = request.GET.copy()
        for name in ("page", "per_page", "export"):
            params.pop(name, None)
        context = {
            "title": self.title,
            "table": table,
            "filterset": filterset,
            "count": table.paginator.count,
            "actions": [(action, action.form()) for action in actions],
            "csv_query": params.urlencode(),
            **self.extra_context(request),
        }
        return render(request, self.template_name, context)

    def paginate(self, table, page) -> None:
        """A page of paginate_by rows, whatever the request asks: the count is one COUNT(*) and
        the page one LIMIT/OFFSET query. A page number out of range shows the nearest page."""
        kwargs = {"paginator_class": Paginator, "per_page": self.paginate_by}
        try:
            table.paginate(page=page, **kwargs)
        except PageNotAnInteger:
            table.paginate(page=1, **kwargs)
        except EmptyPage:
            table.paginate(page=table.paginator.num_pages, **kwargs)

    def csv(self, table) -> StreamingHttpResponse:
        """Every filtered row, sorted as on the page, as a CSV a spreadsheet opens safely."""
        values = table.as_values()
        header = next(values)
        response = StreamingHttpResponse(
            spreadsheet_csv(header, values), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        return response

    def post(self, request: HttpRequest) -> HttpResponse:
        back = HttpResponseRedirect(request.get_full_path())
        model = self.visible(request).model
        action = next(
            (a for a in self.actions(model) if a.name == request.POST.get("action")), None
        )
        if action is None:
            messages.error(request, _("Choose an action."))
            return back
        try:
            keys = {int(value) for value in request.POST.getlist("selected")}
        except ValueError:
            keys = set()
        if not keys:
            messages.error(request, _("Tick the rows to act on first."))
            return back
        if len(keys) > MAX_SELECTED:
            messages.error(
                request, _("Act on at most %(max)s rows at once.") % {"max": MAX_SELECTED}
            )
            return back
        form = action.form(request.POST)
        if form is not None and not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.values()))
            return back
        # Only rows the user may see: a forged key of another institute's record finds nothing.
        objects = self.visible(request).filter(pk__in=keys)
        if not objects.exists():
            messages.error(request, _("None of the ticked rows is in this list any more."))
            return back
        return action.run(objects, request, form.cleaned_data if form is not None else {})
