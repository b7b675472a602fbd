// Which household a resident files something for (a wish, a need): with one household, said in
// a line; with several, big buttons to pick one.
import { t } from '../i18n.js';
import { residentHouseholds } from '../wishes.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';

/**
 * The field, with .householdId() (the chosen or only household's id, or null) and .setError(text)
 * (said only when there is a choice to make). `value`: the household chosen before (a fix).
 */
export function householdField({ me, legend, testid, value = null }) {
  const households = residentHouseholds(me);
  if (households.length > 1) {
    const group = choiceGroup({
      legend,
      name: testid,
      testid,
      columns: 1,
      required: true,
      value: value != null ? String(value) : null,
      options: households.map((hh) => ({ value: String(hh.id), label: hh.name })),
    });
    group.householdId = () => group.value;
    return group;
  }
  const line = h(
    'p',
    { class: 'field form__fact', 'data-testid': testid },
    h('span', { class: 'field__label', text: legend }),
    h('span', { text: households[0]?.name ?? t('wish.no_household') }),
  );
  line.householdId = () => households[0]?.id ?? null;
  line.setError = () => {};
  return line;
}
