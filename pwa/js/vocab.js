// The skills and weekly times every domain shares (server/ledger/vocab.py, PROTOCOL.md §17.1):
// members offer them, resources and projects serve them, activities want them. Codes and their
// words both come from generated/constants.json (i18n.js adds the words to each catalog).
import { VOCAB } from './constants.js';
import { hasKey, t } from './i18n.js';

export const SKILLS = VOCAB.SKILLS;
export const SLOTS = VOCAB.SLOTS;
const CODES = { skill: SKILLS, slot: SLOTS };

/** A code's word ('skill', 'medical' → 医疗健康); a word no code of ours (an old copy) as it is. */
export function vocabWord(kind, code) {
  const key = `vocab.${kind}.${code}`;
  return hasKey(key) ? t(key) : String(code);
}

/** Codes' words joined: 医疗健康、助老服务. */
export const vocabWords = (kind, codes) => (codes ?? []).map((code) => vocabWord(kind, code)).join('、');

/** [{value, label}] of the vocabulary, in the server's order. */
export const vocabOptions = (kind) => CODES[kind].map((value) => ({ value, label: vocabWord(kind, value) }));
