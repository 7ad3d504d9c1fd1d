def validated(serializer_class, data, **kwargs) -> dict:
    """Validate request input with an input serializer; a 400 problem names each bad field."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
