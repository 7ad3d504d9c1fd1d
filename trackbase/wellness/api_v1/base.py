from trackbase.core.contracts.v1 import V1ApiView

# The accounts app's codes, spelt as HuCares' clients expect them.
RENAMED_CODES = {"USERNAME_ALREADY_EXISTS": "USERNAME_TAKEN"}


class WellnessApi(V1ApiView):
    renamed_codes = RENAMED_CODES
