"""Web Push delivery (DESIGN.md §6): VAPID keys, device subscriptions, and the sender."""
