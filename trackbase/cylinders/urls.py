from django.urls import path

from trackbase.core.routing import optional_slash
from trackbase.cylinders.api import actions, lookups

CYLINDER = "api/cylinders/<int:cylinder_id>"

urlpatterns = [
    *optional_slash("api/cylinders/add", actions.CylinderAddApi, "cylinder-add"),
    *optional_slash("api/cylinders/ship", actions.CylinderShipApi, "cylinder-ship"),
    *optional_slash("api/cylinders/return", actions.CylinderReturnApi, "cylinder-return"),
    *optional_slash("api/cylinders/refill/send", actions.CylinderRefillSendApi, "cylinder-refill-send"),
    *optional_slash("api/cylinders/refill/receive", actions.CylinderRefillReceiveApi, "cylinder-refill-receive"),
    *optional_slash("api/cylinders/trash", actions.CylinderTrashApi, "cylinder-trash"),
    *optional_slash("api/cylinders/reprint", actions.CylinderReprintApi, "cylinder-reprint"),
    *optional_slash("api/cylinders/", lookups.CylinderListApi, "cylinder-list"),
    *optional_slash("api/cylinders/by-qr/<str:qr_code>/", lookups.CylinderByQrApi, "cylinder-by-qr"),
    *optional_slash(f"{CYLINDER}/", lookups.CylinderDetailApi, "cylinder-detail"),
    *optional_slash(f"{CYLINDER}/history/", lookups.CylinderHistoryApi, "cylinder-history"),
    path(f"{CYLINDER}/qr.svg", lookups.CylinderQrImageApi.as_view(), name="cylinder-qr-svg"),
    path(f"{CYLINDER}/qr.png", lookups.CylinderQrPngApi.as_view(), name="cylinder-qr-png"),
]
