"""Volunteer service activities (志愿服务活动, issue 14 item 5): a community publishes an activity
(time, place, capacity, skills wanted, hours credited); its volunteers sign up — the first to reach
the server take the seats, the rest wait and are promoted in order when a seat frees; at the venue
they check in and out by scanning the organiser's code, which changes every 30 s and is signed
with a key only the organiser's phone holds, both phones possibly offline — the server checks the
code when the check-in syncs; the organiser checks people in by hand when a phone cannot, confirms
the hours (capped at the activity's) and closes the activity. PROTOCOL.md §18."""
