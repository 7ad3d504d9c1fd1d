"""Admin user management: list users, change a role, deactivate or reactivate an account."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts import selectors, services
from trackbase.accounts.models import Role, User
from trackbase.accounts.permissions import IsAdmin
from trackbase.accounts.serializers import UserOutput
from trackbase.core.inputs import validated
from trackbase.core.pagination import PAGE_PARAMETERS, page_of, paginate


class AdminAPIView(APIView):
    permission_classes = [IsAdmin]


class UserListApi(AdminAPIView):
    class FilterSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices, required=False)
        is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
        search = serializers.CharField(required=False, max_length=100)

    @extend_schema(
        parameters=[
            OpenApiParameter("role", enum=Role.values),
            OpenApiParameter("is_active", bool),
            OpenApiParameter("search", str),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_of(UserOutput)},
        summary="List users (admin)",
    )
    def get(self, request):
        users = selectors.user_list(**validated(self.FilterSerializer, request.query_params))
        return paginate(request, users, serializer=UserOutput, context={"request": request})


class UserDetailApi(AdminAPIView):
    @extend_schema(responses={200: UserOutput}, summary="One user (admin)")
    def get(self, request, user_id: int):
        return Response(UserOutput(get_object_or_404(User, pk=user_id), context={"request": request}).data)


class UserRoleApi(AdminAPIView):
    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=InputSerializer, responses={200: UserOutput}, summary="Change a user's role (admin)")
    def post(self, request, user_id: int):
        role = validated(self.InputSerializer, request.data)["role"]
        user = services.user_set_role(actor=request.user, user=get_object_or_404(User, pk=user_id), role=role)
        return Response(UserOutput(user, context={"request": request}).data)


class UserDeactivateApi(AdminAPIView):
    is_active = False

    @extend_schema(request=None, responses={200: UserOutput}, summary="Deactivate a user; their sessions end (admin)")
    def post(self, request, user_id: int):
        user = services.user_set_active(
            actor=request.user, user=get_object_or_404(User, pk=user_id), is_active=self.is_active
        )
        return Response(UserOutput(user, context={"request": request}).data)


class UserActivateApi(UserDeactivateApi):
    is_active = True

    @extend_schema(request=None, responses={200: UserOutput}, summary="Reactivate a user (admin)")
    def post(self, request, user_id: int):
        return super().post(request, user_id)
