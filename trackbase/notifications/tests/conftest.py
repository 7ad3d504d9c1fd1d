from trackbase.notifications.tests.support import frozen_clock  # noqa: F401  (autouse)
