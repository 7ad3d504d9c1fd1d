"""Push devices, in one place: the model (kept in the accounts app, table `accounts_device`), the pure rules
for push targets, the services the notifications app's push senders call, and `/api/devices/`."""
