"""HTTP caching rules for responses no cache may keep."""


class NoStoreMixin:
    """For an APIView whose responses carry secrets (tokens) or personal data: neither a shared cache
    (a proxy, a CDN) nor the client's own may store them (RFC 9111 5.2.2.5; RFC 6749 5.1 for tokens).
    Error responses too: a failed login says which accounts exist no more than a cached one should."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response
