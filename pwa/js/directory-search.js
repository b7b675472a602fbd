// Searching a grid directory on the phone, with no network: what a grid worker types in a
// stairwell ("3-2-301", "3号楼 301", "3栋2单元", "三单元 502", a name) becomes building, unit and
// room numbers and words, matched against an index built once per directory. Pure functions:
// no DOM, no IndexedDB (tests/directory.test.mjs runs them under node).

import { TASKS } from './constants.js';

export const { CARE_FLAGS } = TASKS; // 独居老人, 低保, 残疾

// A number followed by what it numbers. Longer markers first: "号楼" before "号", "号房" before "号".
// Not "楼" alone: "3楼" is the third floor as often as building 3, so it stays a plain number.
const MARKED = /(\d+)\s*(号楼|号房|单元|栋|幢|座|号|#|门|室|房|户)/g;
const KIND_OF_MARKER = {
  号楼: 'building',
  栋: 'building',
  幢: 'building',
  座: 'building',
  号: 'building',
  '#': 'building',
  单元: 'unit',
  门: 'unit',
  号房: 'room',
  室: 'room',
  房: 'room',
  户: 'room',
};
const DIGIT_OF = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CHINESE_NUMBER = /[零〇一二两三四五六七八九十]+(?=\s*(号楼|号房|单元|栋|幢|座|号|门|室|房))/g;

/** 三 → 3, 十二 → 12, 二十 → 20, 二十三 → 23 (up to 99: buildings and units, not rooms). */
export function chineseNumber(text) {
  if (!text.includes('十')) return Number([...text].map((c) => DIGIT_OF[c] ?? '').join(''));
  const [tens, ones] = text.split('十');
  return (tens ? (DIGIT_OF[tens] ?? 0) : 1) * 10 + (ones ? (DIGIT_OF[ones] ?? 0) : 0);
}

/**
 * What the worker typed, the way the phone compares it: full-width digits and letters as ASCII
 * (NFKC: "３－２－３０１" → "3-2-301"), lower case, Chinese numerals before a marker as digits.
 */
export function normalize(text) {
  return String(text ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(CHINESE_NUMBER, (numeral) => String(chineseNumber(numeral)))
    .trim();
}

/** The number in a name ("3号楼" → 3, "2单元" → 2, "A座" → null), leading zeros dropped. */
export function numberIn(name) {
  const match = /\d+/.exec(normalize(name));
  return match ? Number(match[0]) : null;
}

/**
 * A query as {building, unit, room, any, words}: numbers (building and unit as numbers, room as
 * the digits typed so far: a prefix), `any` a lone number with nothing else (building or room),
 * and words (names, compound names). Dashes, slashes, dots and spaces separate numbers: three
 * are building-unit-room, two building-room ("3-301"), as addresses are written in China.
 */
export function parseQuery(raw) {
  const query = { building: null, unit: null, room: null, any: null, words: [] };
  let rest = normalize(raw).replace(MARKED, (_whole, digits, marker) => {
    const kind = KIND_OF_MARKER[marker];
    if (query[kind] === null) query[kind] = kind === 'room' ? digits : Number(digits);
    return ' ';
  });
  // Markers typed without a number ("号楼", "单元", "3楼") say nothing to search for.
  rest = rest.replace(/号楼|单元|号房|号|栋|幢|室|楼/g, ' ');
  const numbers = [];
  for (const token of rest.split(/[\s\-—–_/\\.,，。、·:：]+/).filter(Boolean)) {
    // "301张" or "张301": digits and words side by side are two tokens.
    for (const part of token.match(/\d+|[^\d]+/g)) {
      if (/^\d+$/.test(part)) numbers.push(part);
      else query.words.push(part);
    }
  }
  const free = ['building', 'unit', 'room'].filter((slot) => query[slot] === null);
  if (numbers.length === 1 && free.length === 3) query.any = numbers[0];
  else if (numbers.length === 1) {
    // With a building or unit given, a lone number is the room being typed ("3号楼 30").
    const slot = free.includes('room') ? 'room' : free[0];
    if (slot) query[slot] = slot === 'room' ? numbers[0] : Number(numbers[0]);
  } else if (numbers.length) {
    // Two numbers and all three slots free: building and room ("3-301"); else fill in order.
    const slots = numbers.length === 2 && free.length === 3 ? ['building', 'room'] : free;
    numbers.slice(0, slots.length).forEach((digits, i) => {
      query[slots[i]] = slots[i] === 'room' ? digits : Number(digits);
    });
  }
  return query;
}

/** True when the query asks for nothing (every household matches). */
export function isEmptyQuery(query) {
  return (
    query.building === null && query.unit === null && query.room === null && query.any === null && !query.words.length
  );
}

/**
 * One entry per household over every directory, in the server's display order (by grid,
 * compound, building, unit, room): {household, building, compound, grid, buildingNo, unitNo,
 * room, text, flags}. text: lower-cased names of residents, compound and building, for words.
 */
export function buildIndex(directories) {
  const entries = [];
  for (const directory of directories ?? []) {
    if (!directory) continue;
    const compounds = new Map((directory.compounds ?? []).map((c) => [c.id, c]));
    const buildings = new Map((directory.buildings ?? []).map((b) => [b.id, b]));
    for (const household of directory.households ?? []) {
      const building = buildings.get(household.building_id) ?? null;
      const compound = building ? (compounds.get(building.compound_id) ?? null) : null;
      const residents = household.residents ?? [];
      const flags = new Set(residents.flatMap((r) => r.care_flags ?? []));
      entries.push({
        household,
        building,
        compound,
        grid: directory.grid ?? null,
        buildingNo: building ? numberIn(building.name) : null,
        unitNo: numberIn(household.unit),
        room: normalize(household.room),
        text: normalize([...residents.map((r) => r.name), compound?.name, building?.name].filter(Boolean).join(' ')),
        flags,
      });
    }
  }
  return entries;
}

// A lone number may be a building's ("12"), never "0001" or a ten-digit phone fragment.
const isBuildingNumber = (digits) => /^[1-9]\d{0,2}$/.test(digits);

/** Whether one index entry answers the query (every part of it must match). */
export function matches(entry, query) {
  if (query.building !== null && entry.buildingNo !== query.building) return false;
  if (query.unit !== null && entry.unitNo !== query.unit) return false;
  if (query.room !== null && !entry.room.startsWith(query.room)) return false;
  if (
    query.any !== null &&
    !(isBuildingNumber(query.any) && entry.buildingNo === Number(query.any)) &&
    !entry.room.startsWith(query.any)
  )
    return false;
  return query.words.every((word) => entry.text.includes(word));
}

/**
 * The entries matching the typed text and the care filters, in display order. flags: care flags
 * chosen (a household matches when any of its residents has any of them; none chosen: all).
 */
export function searchDirectory(index, text = '', flags = []) {
  const query = parseQuery(text);
  const wanted = [...flags];
  return index.filter(
    (entry) =>
      (!wanted.length || wanted.some((flag) => entry.flags.has(flag))) &&
      (isEmptyQuery(query) || matches(entry, query)),
  );
}

/** How many households of the index have each care flag: {elderly_alone: 3, …}. */
export function countFlags(index) {
  const counts = Object.fromEntries(CARE_FLAGS.map((flag) => [flag, 0]));
  for (const entry of index) for (const flag of entry.flags) if (flag in counts) counts[flag] += 1;
  return counts;
}
