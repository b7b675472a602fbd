// 供需对接 without a DOM (PROTOCOL.md §21): what a confirmed match may become for each item of the
// needs list, and the activity the screen prefills from the need and the resource — its title,
// its place, and its time at the resource's first free weekly slot (weekend first, as the server
// names them in the suggestion's reasons), two hours long.
import { ACTIVITIES } from './constants.js';

// When each weekly slot (members' SLOTS) starts: [day of the week (0 Sunday) or 'weekday', hour, minute].
const SLOT_STARTS = {
  weekday_day: ['weekday', 9, 0],
  weekday_evening: ['weekday', 19, 0],
  sat_morning: [6, 9, 0],
  sat_afternoon: [6, 14, 30],
  sun_morning: [0, 9, 0],
  sun_afternoon: [0, 14, 30],
};
const DEFAULT_START = ['weekday', 9, 0];
const LEAD_MS = 12 * 3_600_000; // people need notice: never sooner than 12 hours on
const LENGTH_MS = 2 * 3_600_000;
const DEFAULT_CAPACITY = 10;

/** What a match of this item may become: the server's list ('project', 'activity' | 'wish'). */
export const outcomesOf = (need) => need.outcomes ?? (need.kind === 'wish' ? ['wish'] : ['project', 'activity']);

/** The first free slot the suggestion names ('sat_morning' …), or null. */
export function firstSlot(suggestion) {
  const available = (suggestion.reasons ?? []).find((r) => r.code === 'available');
  return available?.params?.slots?.[0] ?? null;
}

/** The next start of a weekly slot at least LEAD_MS after `now` (a Date), in the phone's time. */
export function nextStart(slot, now) {
  const [day, hour, minute] = SLOT_STARTS[slot] ?? DEFAULT_START;
  const earliest = now.getTime() + LEAD_MS;
  const at = new Date(now);
  at.setHours(hour, minute, 0, 0);
  for (let i = 0; i < 15; i += 1) {
    const weekday = at.getDay();
    const fits = day === 'weekday' ? weekday >= 1 && weekday <= 5 : weekday === day;
    if (fits && at.getTime() >= earliest) return at;
    at.setDate(at.getDate() + 1);
  }
  return at;
}

const cut = (text, max) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The activity a match would become, for the admin to check: {title, place, startsAt, endsAt
 * (Dates), capacity, hours}. `titleOf(resource, summary)` words the title in the user's language.
 */
export function activityDraft(need, suggestion, communityName, titleOf, now = new Date()) {
  const startsAt = nextStart(firstSlot(suggestion), now);
  const place = suggestion.kind === 'venue' ? `${suggestion.unit_name}${suggestion.resource_name}` : communityName;
  return {
    title: cut(titleOf(suggestion.resource_name, need.summary), ACTIVITIES.TITLE_MAX),
    place: cut(place ?? '', ACTIVITIES.PLACE_MAX),
    startsAt,
    endsAt: new Date(startsAt.getTime() + LENGTH_MS),
    capacity: DEFAULT_CAPACITY,
    hours: LENGTH_MS / 3_600_000,
  };
}
