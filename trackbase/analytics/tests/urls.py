from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class WhoAmI(APIView):
    permission_classes = [AllowAny]

    def get(self, request, n):
        return Response({"id": request.user.pk if request.user else None})


class Search(APIView):
    """Declares which of its query parameters the request log may keep."""

    permission_classes = [AllowAny]
    logged_query_params = ("q", "kind")

    def get(self, request):
        return Response({})


@api_view(["GET"])
@permission_classes([AllowAny])
def function_search(request):
    return Response({})


function_search.cls.logged_query_params = ("q",)


urlpatterns = [
    path("api/whoami/<int:n>/", WhoAmI.as_view()),
    path("api/search/", Search.as_view()),
    path("api/function-search/", function_search),
]
