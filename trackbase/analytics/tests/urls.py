from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class WhoAmI(APIView):
    permission_classes = [AllowAny]

    def get(self, request, n):
        return Response({"id": request.user.pk if request.user else None})


urlpatterns = [path("api/whoami/<int:n>/", WhoAmI.as_view())]
