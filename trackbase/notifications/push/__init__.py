"""Push delivery: the outbox worker and one sender per platform (APNs, Web Push; FCM not configured)."""
