"""Administration of the taxonomy and content (MISSION M1): everything here is editable without code."""

from django.contrib import admin
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


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(EntityRelation)
class EntityRelationAdmin(admin.ModelAdmin):
    list_display = ("source", "kind", "target")
    list_filter = ("kind",)
    autocomplete_fields = ("source", "target")
