"""Administration of the taxonomy and content (MISSION M1): everything here is editable without code."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import (
    Entity,
    EntityRelation,
    EntitySection,
    InfoCategory,
    Item,
    Keyword,
    MainCategory,
    Placement,
    Region,
    Theme,
)


class InfoCategoryInline(admin.TabularInline):
    model = InfoCategory
    extra = 1
    fields = ("order", "slug", "name_sv", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(MainCategory)
class MainCategoryAdmin(admin.ModelAdmin):
    list_display = ("name_sv", "name_en", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [InfoCategoryInline]


@admin.register(InfoCategory)
class InfoCategoryAdmin(admin.ModelAdmin):
    list_display = ("name_sv", "name_en", "main_category", "order")
    list_filter = ("main_category",)
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name_sv", "name_en", "slug", "order")
    prepopulated_fields = {"slug": ("name_en",)}


class EntitySectionInline(admin.StackedInline):
    model = EntitySection
    extra = 0


class RelationInline(admin.TabularInline):
    model = EntityRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name_sv", "main_category", "region", "country", "priority", "is_watched")
    list_filter = ("main_category", "region", "priority", "is_watched")
    search_fields = ("name_sv", "name_en", "aliases")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [EntitySectionInline, RelationInline]
    fieldsets = (
        (None, {"fields": ("main_category", "name_sv", "name_en", "slug", "aliases", "priority", "is_watched")}),
        (_("Why watched"), {"fields": ("summary_sv", "summary_en")}),
        (_("Place"), {"fields": ("country", "region", "latitude", "longitude", "website")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=True)


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 1
    autocomplete_fields = ("entity",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "status", "language", "published_on", "updated_at")
    list_filter = ("status", "type", "language", "themes")
    search_fields = ("title", "summary", "commentary")
    filter_horizontal = ("themes", "keywords")
    inlines = [PlacementInline]
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("type", "status", "title", "url", "source_name", "language", "published_on")}),
        (_("Event"), {"fields": ("starts_on", "ends_on", "location"), "classes": ("collapse",)}),
        (_("Editorial"), {"fields": ("summary", "commentary")}),
        (_("Under the surface"), {"fields": ("results", "method", "financing", "lessons")}),
        (_("Tags"), {"fields": ("themes", "keywords")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=True)

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        if obj.status == Item.Status.PUBLISHED and not obj.published_at:
            obj.published_at = timezone.now()
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("label_sv", "label_en", "slug", "order", "merged_into")
    prepopulated_fields = {"slug": ("label_en",)}


class KeywordMergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Keep this keyword"), queryset=Keyword.objects.none(), widget=forms.RadioSelect)
    new_name = forms.CharField(label=_("Name of the kept keyword (optional)"), max_length=100, required=False)


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    """Keywords are renamed by editing their name and merged with the "Merge" action, like themes."""

    search_fields = ("name",)
    list_display = ("name", "item_count")
    actions = ["merge"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_items=Count("items", distinct=True))

    @admin.display(description=_("items"), ordering="n_items")
    def item_count(self, obj):
        return obj.n_items

    def save_model(self, request, obj, form, change):
        from omvarld.core.actions import KeywordError, rename_keyword

        if not change:
            return super().save_model(request, obj, form, change)
        try:
            rename_keyword(obj, form.cleaned_data["name"])
        except KeywordError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)

    @admin.action(description=_("Merge the selected keywords into one"))
    def merge(self, request, queryset):
        from django.template.response import TemplateResponse

        from omvarld.core.actions import KeywordError, merge_keywords, rename_keyword

        keywords = list(queryset)
        form = KeywordMergeForm(request.POST if "apply" in request.POST else None)
        form.fields["into"].queryset = queryset
        if len(keywords) < 2:
            self.message_user(request, _("Select at least two keywords to merge."), level=messages.WARNING)
            return None
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            try:
                moved = merge_keywords(keywords, into)
                if form.cleaned_data["new_name"]:
                    rename_keyword(into, form.cleaned_data["new_name"])
            except KeywordError as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
                return None
            self.message_user(request, _("Merged %(n)s keywords into “%(name)s” (%(items)s items).") % {
                "n": len(keywords) - 1, "name": into.name, "items": moved})
            return None
        context = {**self.admin_site.each_context(request), "title": _("Merge keywords"), "keywords": keywords, "form": form,
                   "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/core/keyword/merge.html", context)


@admin.register(EntityRelation)
class EntityRelationAdmin(admin.ModelAdmin):
    list_display = ("source", "kind", "target")
    list_filter = ("kind",)
    autocomplete_fields = ("source", "target")
