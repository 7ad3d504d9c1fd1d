import re

from django.core.exceptions import ValidationError

PASSWORD_CLASSES_MESSAGE = "The password must contain an uppercase letter, a lowercase letter and a digit."


class MixedCharacterClassesValidator:
    """HuCares' policy on top of Django's validators: at least one upper, one lower and one digit."""

    def validate(self, password: str, user=None) -> None:
        if not (re.search(r"[A-Z]", password) and re.search(r"[a-z]", password) and re.search(r"\d", password)):
            raise ValidationError(PASSWORD_CLASSES_MESSAGE, code="password_character_classes")

    def get_help_text(self) -> str:
        return PASSWORD_CLASSES_MESSAGE
