"""Signals accounts sends for the apps above it (which accounts never imports)."""

from django.dispatch import Signal

# Sent after commit with `user_id` when every session of that user ends (logout everywhere, a reused refresh
# token, a password change, deactivation). The real-time app closes the user's open sockets on it.
sessions_ended = Signal()
