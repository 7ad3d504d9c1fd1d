from django.urls import path

from trackbase.travel.api import calculations, countries, imports, segments

urlpatterns = [
    path("api/countries/", countries.CountryListApi.as_view(), name="country-list"),
    path("api/travel-segments/", segments.SegmentListApi.as_view(), name="segment-list"),
    path("api/travel-segments/import/csv/", imports.ImportCsvApi.as_view(), name="segment-import"),
    path("api/travel-segments/import/status/<uuid:task_id>/", imports.ImportStatusApi.as_view(), name="import-status"),
    path("api/travel-segments/<id:segment_id>/", segments.SegmentDetailApi.as_view(), name="segment-detail"),
    path("api/calculations/schengen/", calculations.SchengenStatusApi.as_view(), name="schengen-status"),
    path("api/calculations/schengen/plan/", calculations.SchengenPlanApi.as_view(), name="schengen-plan"),
    path("api/calculations/countries/", calculations.CountryDaysApi.as_view(), name="country-days"),
    path("api/calculations/days/", calculations.LedgerApi.as_view(), name="presence-days"),
    path("api/calculations/rules/", calculations.RuleListApi.as_view(), name="visa-rules"),
    path("api/calculations/status/", calculations.RuleStatusApi.as_view(), name="visa-status"),
]
