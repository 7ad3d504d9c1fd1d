from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTScheme(SimpleJWTScheme):
    """Documents trackbase's JWT authentication as the Bearer scheme SimpleJWT's is."""

    target_class = "trackbase.accounts.authentication.JWTAuthentication"
