from trackbase.core.contracts.v1 import V1ApiView
from trackbase.core.errors import NotFound
from trackbase.core.views import NO_ENDPOINT_DETAIL

# The accounts app's codes, spelt as HuCares' clients expect them.
RENAMED_CODES = {"USERNAME_ALREADY_EXISTS": "USERNAME_TAKEN"}


class WellnessApi(V1ApiView):
    renamed_codes = RENAMED_CODES


class V1NoEndpointApi(WellnessApi):
    """Any other path under /api/v1/: a 404 in the contract's envelope, whatever the method."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    # Every method lands here: the view defines no handlers.
    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound(NO_ENDPOINT_DETAIL)
