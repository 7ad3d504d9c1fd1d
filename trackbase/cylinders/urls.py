from django.urls import path

from trackbase.cylinders.api import actions, exports, lookups, reports

CYLINDER = "api/cylinders/<id:cylinder_id>"

urlpatterns = [
    path("api/cylinders/add", actions.CylinderAddApi.as_view(), name="cylinder-add"),
    path("api/cylinders/ship", actions.CylinderShipApi.as_view(), name="cylinder-ship"),
    path("api/cylinders/return", actions.CylinderReturnApi.as_view(), name="cylinder-return"),
    path("api/cylinders/refill/send", actions.CylinderRefillSendApi.as_view(), name="cylinder-refill-send"),
    path("api/cylinders/refill/receive", actions.CylinderRefillReceiveApi.as_view(), name="cylinder-refill-receive"),
    path("api/cylinders/trash", actions.CylinderTrashApi.as_view(), name="cylinder-trash"),
    path("api/cylinders/reprint", actions.CylinderReprintApi.as_view(), name="cylinder-reprint"),
    path("api/cylinders/labels", lookups.CylinderLabelsApi.as_view(), name="cylinder-labels"),
    path("api/cylinders/", lookups.CylinderListApi.as_view(), name="cylinder-list"),
    path("api/cylinders/by-qr/<str:qr_code>/", lookups.CylinderByQrApi.as_view(), name="cylinder-by-qr"),
    path(f"{CYLINDER}/", lookups.CylinderDetailApi.as_view(), name="cylinder-detail"),
    path(f"{CYLINDER}/history/", lookups.CylinderHistoryApi.as_view(), name="cylinder-history"),
    path(f"{CYLINDER}/qr.svg", lookups.CylinderQrImageApi.as_view(), name="cylinder-qr-svg"),
    path(f"{CYLINDER}/qr.png", lookups.CylinderQrPngApi.as_view(), name="cylinder-qr-png"),
    path("api/admin/shipments", reports.ShipmentReportApi.as_view(), name="cylinder-admin-shipments"),
    path("api/admin/inventory", reports.InventoryReportApi.as_view(), name="cylinder-admin-inventory"),
    path("api/admin/reports", reports.ActivityReportApi.as_view(), name="cylinder-admin-reports"),
    path("api/admin/exports", exports.ExportListApi.as_view(), name="cylinder-admin-exports"),
    path("api/admin/exports/<id:export_id>", exports.ExportDetailApi.as_view(), name="cylinder-admin-export"),
    path("api/admin/exports/<id:export_id>/file", exports.ExportFileApi.as_view(), name="cylinder-admin-export-file"),
]
