"""The one notification service every part of Redgrid uses (DESIGN.md §6): `service.notify()`
writes one entry per recipient in the synced inbox (PROTOCOL.md §13) with its deliveries, in the
caller's transaction; after the commit the live `alert` events go out and the fan-out
(`fanout`, `jobs`) sends the Web Push; `deliveries` counts them and takes the devices' acks;
`audience` turns places and roles into people. Domains call it; it calls none of them."""
