"""The editorial board's and contributors' pages (MISSION M8, M9, X5): thin views over
``actions`` and ``queries``. Every view is wrapped in ``require`` and looks objects up with
``get_for_user``, so no page can forget who may see it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omvarld.accounts.roles import REVIEW, SUGGEST, can, get_for_user, require
from omvarld.core.models import Item
from omvarld.editorial import actions, queries, revisions
from omvarld.editorial.forms import TEMPLATES, CommentForm, EntityForm, ItemForm, ReasonForm, version_of
from omvarld.editorial.models import Revision, Suggestion

SHORT_NAMES = {label.split(".")[1]: label for label in revisions.TRACKED}


# ---------------------------------------------------------------------------------------------
# Start page and contributors


@require(SUGGEST)
def home(request):
    if not can(request.user, REVIEW):
        return redirect("editorial:my-suggestions")
    return render(request, "editorial/dashboard.html", {
        "queue": list(queries.review_queue()),
        "waiting": list(queries.waiting_on_contributors()),
        "revisions": list(queries.recent_revisions(20)),
    })


@require(SUGGEST)
def suggest(request):
    return render(request, "editorial/suggest_choose.html", {"kinds": Suggestion.Kind.choices})


@require(SUGGEST)
def suggest_form(request, kind):
    form_class = TEMPLATES.get(kind)
    if form_class is None:
        raise Http404
    form = form_class(request.POST or None, initial=_initial_from_query(request, kind))
    if request.method == "POST" and form.is_valid():
        actions.submit_suggestion(author=request.user, kind=kind, title=form.suggestion_title(), data=form.answers())
        messages.success(request, _("Thank you. Your suggestion is waiting for the editorial board."))
        return redirect("editorial:my-suggestions")
    return render(request, "editorial/suggest_form.html", {"form": form, "kind_label": Suggestion.Kind(kind).label},
                  status=400 if form.errors else 200)


def _initial_from_query(request, kind):
    # "Suggest an update" links on item pages pass the item.
    if kind == Suggestion.Kind.ITEM_UPDATE and request.GET.get("item", "").isdigit():
        return {"item": int(request.GET["item"])}
    return None


@require(SUGGEST)
def my_suggestions(request):
    return render(request, "editorial/my_suggestions.html", {"suggestions": list(queries.suggestions_of(request.user))})


@require(SUGGEST)
def suggestion_detail(request, pk):
    suggestion = get_for_user(request.user, Suggestion.objects.select_related("author"), SUGGEST, owner_field="author", pk=pk)
    return render(request, "editorial/suggestion.html", {
        "suggestion": suggestion, "events": list(suggestion.events.select_related("actor")),
        "answers": _answers(suggestion), "is_author": suggestion.author_id == request.user.pk,
    })


def _answers(suggestion):
    """The template's questions with what the contributor answered, for reading."""
    form = TEMPLATES[suggestion.kind](initial=suggestion.data)
    out = []
    for name, field in form.fields.items():
        value = suggestion.data.get(name)
        if value in (None, "", []):
            continue
        if hasattr(field, "queryset"):
            ids = value if isinstance(value, list) else [value]
            value = ", ".join(str(o) for o in field.queryset.model._default_manager.filter(pk__in=ids))
        elif hasattr(field, "choices"):
            value = dict(field.choices).get(value, value)
        out.append((field.label, value))
    return out


@require(SUGGEST)
def suggestion_revise(request, pk):
    suggestion = get_for_user(request.user, Suggestion.objects.all(), SUGGEST, pk=pk, author=request.user)
    if not suggestion.is_open:
        messages.error(request, _("This suggestion has been decided and can no longer be changed."))
        return redirect("editorial:suggestion", pk=pk)
    form = TEMPLATES[suggestion.kind](request.POST or None, initial=suggestion.data)
    if request.method == "POST" and form.is_valid():
        actions.revise_suggestion(author=request.user, suggestion=suggestion, title=form.suggestion_title(), data=form.answers())
        messages.success(request, _("Your revised suggestion is back with the editorial board."))
        return redirect("editorial:suggestion", pk=pk)
    last_request = suggestion.events.filter(action="changes_requested").last()
    return render(request, "editorial/suggest_form.html", {
        "form": form, "kind_label": suggestion.get_kind_display(), "suggestion": suggestion, "last_request": last_request,
    }, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# Review


def _review_page(request, suggestion, *, form=None, comment_form=None, reason_form=None, status=200):
    if form is None:
        if suggestion.kind == Suggestion.Kind.NEW_ENTITY:
            form = EntityForm(initial=queries.entity_initial(suggestion), prefix="entity")
        else:
            target = suggestion.target_item
            form = ItemForm(instance=target, initial=queries.item_initial(suggestion), prefix="item")
    return render(request, "editorial/review.html", {
        "suggestion": suggestion, "answers": _answers(suggestion), "events": list(suggestion.events.select_related("actor")),
        "form": form, "comment_form": comment_form or CommentForm(), "reason_form": reason_form or ReasonForm(),
        "is_entity": suggestion.kind == Suggestion.Kind.NEW_ENTITY,
        "needs_second_editor": actions.needs_second_editor(request.user, suggestion),
    }, status=status)


def _open_suggestion(request, pk):
    return get_for_user(request.user, Suggestion.objects.select_related("author", "target_item"), REVIEW, pk=pk)


@require(REVIEW)
def review(request, pk):
    return _review_page(request, _open_suggestion(request, pk))


@require(REVIEW)
@require_POST
def accept(request, pk):
    suggestion = _open_suggestion(request, pk)
    if not suggestion.is_open:
        messages.error(request, _("This suggestion has already been decided."))
        return redirect("editorial:review", pk=pk)
    if actions.needs_second_editor(request.user, suggestion):
        messages.error(request, _("You made this suggestion, so another editor must accept it."))
        return _review_page(request, suggestion, status=403)
    if suggestion.kind == Suggestion.Kind.NEW_ENTITY:
        form = EntityForm(request.POST, prefix="entity")
        if not form.is_valid():
            return _review_page(request, suggestion, form=form, status=400)
        entity = actions.accept_suggestion_as_entity(editor=request.user, suggestion=suggestion, form=form)
        messages.success(request, _("Accepted: %(name)s is on the map.") % {"name": entity.name})
        return redirect("editorial:home")
    form = ItemForm(request.POST, instance=suggestion.target_item, prefix="item")
    if not form.is_valid():
        return _review_page(request, suggestion, form=form, status=400)
    try:
        item = actions.accept_suggestion_as_item(
            editor=request.user, suggestion=suggestion, values=form.values(), themes=form.cleaned_data["themes"],
            keywords=form.cleaned_data["keywords"], placements=form.cleaned_data["placements"],
            version=form.cleaned_data["version"] or None,
        )
    except actions.StaleEdit as stale:
        _stale_error(form, stale.current)
        return _review_page(request, suggestion, form=form, status=409)
    messages.success(request, _("Accepted and published: %(title)s") % {"title": item.title})
    return redirect("editorial:home")


@require(REVIEW)
@require_POST
def request_changes(request, pk):
    suggestion = _open_suggestion(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _review_page(request, suggestion, comment_form=form, status=400)
    try:
        actions.request_changes(editor=request.user, suggestion=suggestion, comment=form.cleaned_data["comment"])
    except actions.NotAllowed:
        messages.error(request, _("This suggestion has already been decided."))
        return redirect("editorial:review", pk=pk)
    messages.success(request, _("The contributor has been asked for changes."))
    return redirect("editorial:home")


@require(REVIEW)
@require_POST
def reject(request, pk):
    suggestion = _open_suggestion(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _review_page(request, suggestion, reason_form=form, status=400)
    try:
        actions.reject_suggestion(editor=request.user, suggestion=suggestion, reason=form.cleaned_data["reason"])
    except actions.NotAllowed:
        messages.error(request, _("This suggestion has already been decided."))
        return redirect("editorial:review", pk=pk)
    messages.success(request, _("The suggestion was rejected and the contributor told why."))
    return redirect("editorial:home")


# ---------------------------------------------------------------------------------------------
# Items


@require(REVIEW)
def items(request):
    q, status = request.GET.get("q", "")[:200], request.GET.get("status", "")
    rows = list(queries.editor_items(q, status)[:200])
    return render(request, "editorial/items.html", {"items": rows, "q": q, "status": status, "statuses": Item.Status.choices})


def _stale_error(form, current):
    form.add_error(None, _(
        "Someone else saved this item while you were editing it. Your changes are not saved yet: compare them with "
        "the latest version in the history, then save again to replace it."
    ))
    # The editor has now been told; saving again is a deliberate choice.
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = version_of(current)


def _item_page(request, form, item=None, *, preview=None, status=200):
    history = queries.history("core.item", item.pk)[:1] if item and status == 409 else []
    return render(request, "editorial/item_form.html", {"form": form, "item": item, "preview": preview, "latest": history}, status=status)


def _save(request, item):
    form = ItemForm(request.POST or None, instance=item)
    if request.method != "POST":
        return _item_page(request, form, item)
    if not form.is_valid():
        return _item_page(request, form, item, status=400)
    try:
        saved = actions.save_item(
            user=request.user, item=item, values=form.values(), themes=form.cleaned_data["themes"],
            keywords=form.cleaned_data["keywords"], placements=form.cleaned_data["placements"],
            version=form.cleaned_data["version"] if item else None,
        )
    except actions.StaleEdit as stale:
        _stale_error(form, stale.current)
        return _item_page(request, form, item, status=409)
    messages.success(request, _("Saved."))
    return redirect("editorial:item-edit", pk=saved.pk)


@require(REVIEW)
def item_new(request):
    return _save(request, None)


@require(REVIEW)
def item_edit(request, pk):
    return _save(request, get_for_user(request.user, Item.objects.alive(), REVIEW, pk=pk))


@require(REVIEW)
@require_POST
def item_preview(request, pk=None):
    """The item as readers would see it, from the form's unsaved contents."""
    item = get_for_user(request.user, Item.objects.alive(), REVIEW, pk=pk) if pk else None
    form = ItemForm(request.POST, instance=item)
    if not form.is_valid():
        return _item_page(request, form, item, status=400)
    preview = form.save(commit=False)
    return _item_page(request, form, item, preview={"item": preview, "themes": form.cleaned_data["themes"]})


def _status_view(action, done_message):
    @require(REVIEW)
    @require_POST
    def view(request, pk):
        item = get_for_user(request.user, Item.objects.alive(), REVIEW, pk=pk)
        action(user=request.user, item=item)
        messages.success(request, done_message())
        return redirect("editorial:item-edit", pk=pk)

    return view


item_publish = _status_view(actions.publish_item, lambda: _("Published."))
item_unpublish = _status_view(actions.unpublish_item, lambda: _("Unpublished: the item is a draft again."))
item_archive = _status_view(actions.archive_item, lambda: _("Archived."))


# ---------------------------------------------------------------------------------------------
# History, trash


@require(REVIEW)
def history(request, model, pk):
    label = SHORT_NAMES.get(model)
    if label is None:
        raise Http404
    obj = get_for_user(request.user, revisions.TRACKED[label]._default_manager.all(), REVIEW, pk=pk)
    entries = queries.history(label, pk)
    return render(request, "editorial/history.html", {"obj": obj, "entries": entries, "model": model,
                                                      "may_restore": can(request.user, actions.capability_for(type(obj)))})


@require(REVIEW)
@require_POST
def restore(request, pk):
    revision = get_for_user(request.user, Revision.objects.all(), REVIEW, pk=pk)
    actions.restore_revision(user=request.user, revision=revision)
    messages.success(request, _("Version %(number)s restored; the restore is the newest version.") % {"number": revision.number})
    return redirect("editorial:history", model=revision.model.split(".")[1], pk=revision.object_id)


@require(REVIEW)
def trash_list(request):
    return render(request, "editorial/trash.html", {"groups": queries.trashed()})


def _trashable(request, kind, pk, *, deleted: bool):
    model = queries.TRASHABLE.get(kind)
    if model is None:
        raise Http404
    return get_for_user(request.user, model.objects.filter(deleted_at__isnull=not deleted), actions.capability_for(model), pk=pk)


@require(REVIEW)
@require_POST
def trash_object(request, kind, pk):
    obj = _trashable(request, kind, pk, deleted=False)
    actions.trash(user=request.user, obj=obj)
    messages.success(request, _("Moved to the trash: %(name)s. You can restore it from the trash.") % {"name": obj})
    return redirect("editorial:trash")


@require(REVIEW)
@require_POST
def untrash_object(request, kind, pk):
    obj = _trashable(request, kind, pk, deleted=True)
    actions.untrash(user=request.user, obj=obj)
    messages.success(request, _("Restored from the trash: %(name)s.") % {"name": obj})
    return redirect("editorial:trash")
