// What the activity taps write (PROTOCOL.md §18): each is one outbox entry (outbox.js), saved on
// the phone at once and sent with the next sync, so a volunteer checks in at a venue with no
// signal and the organiser checks people in by hand with none either. Field names are
// server/activities/sync.py's; the server decides seats, checks codes and stamps the rest.
import { signupId } from './activities.js';
import { getRecord } from './db.js';
import { enqueue, localIsoTime } from './outbox.js';

const ACTIVITY = 'activity';
const SIGNUP = 'activity_signup';

/** The activity form's values as the record's fields. */
export function activityFields({
  communityId,
  title,
  description,
  place,
  startsAt,
  endsAt,
  capacity,
  skills,
  hours,
  organiserId = null,
}) {
  return {
    community_id: Number(communityId),
    title: title.trim(),
    description: (description ?? '').trim() || null,
    place: place.trim(),
    starts_at: localIsoTime(new Date(startsAt)),
    ends_at: localIsoTime(new Date(endsAt)),
    capacity: Number(capacity),
    skills: skills ?? [],
    hours: Number(hours),
    organiser_id: organiserId ?? null,
  };
}

export const publishActivity = (form) => enqueue({ entity: ACTIVITY, op: 'create', fields: activityFields(form) });

/** Changes of a published activity (community_id is the activity's for good). */
export function editActivity(id, form) {
  const { community_id: _community, ...fields } = activityFields(form);
  return enqueue({ entity: ACTIVITY, id, op: 'update', fields });
}

export const setActivityStatus = (id, status) => enqueue({ entity: ACTIVITY, id, op: 'update', fields: { status } });

/** 报名: a new sign-up, or signing up again after cancelling (the same record, §18.3). */
export async function signUp(activityId, userId) {
  const id = await signupId(activityId, userId);
  const held = await getRecord(SIGNUP, id);
  if (held && !held.deleted) return enqueue({ entity: SIGNUP, id, op: 'update', fields: { status: 'seated' } });
  return enqueue({ entity: SIGNUP, id, op: 'create', fields: { activity_id: activityId, user_id: userId } });
}

export const cancelSignup = (id) => enqueue({ entity: SIGNUP, id, op: 'update', fields: { status: 'cancelled' } });

/** The fields of a code the volunteer read at `readAt` (§18.4): the window, the MAC and when. */
export function readingFields({ direction, window, mac }, readAt = new Date()) {
  const prefix = direction === 'out' ? 'checkout' : 'checkin';
  return { [`${prefix}_window`]: window, [`${prefix}_mac`]: mac, [`${prefix}_at`]: localIsoTime(readAt) };
}

// Sent whole even when a field equals the phone's copy: the server checks the three together.
const READING = ['window', 'mac', 'at'].flatMap((part) => [`checkin_${part}`, `checkout_${part}`]);

export const checkInByCode = (id, reading, readAt = new Date()) =>
  enqueue({ entity: SIGNUP, id, op: 'update', fields: readingFields(reading, readAt), always: READING });

/** The organiser's fallback: checked in (or out) by hand, at `at`. */
export function checkByHand(id, direction, at = new Date()) {
  const field = direction === 'out' ? 'checkout_at' : 'checkin_at';
  return enqueue({ entity: SIGNUP, id, op: 'update', fields: { [field]: localIsoTime(at) } });
}

export const confirmHours = (id, hours) =>
  enqueue({
    entity: SIGNUP,
    id,
    op: 'update',
    fields: { confirmed_hours: Number(hours) },
    always: ['confirmed_hours'],
  });
