"""Residents join (PROTOCOL.md §19): a person registers with their phone number and is bound to a
household (resident@household) only after a check — a grid worker's invitation code made offline,
or a request the grid worker or community admin approves. Profile, password, leaving."""
