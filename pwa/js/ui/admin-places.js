// 小区与住户 (#/admin/places), an admin's place browser: the compounds of the jurisdiction, searched
// and paged on the server (?q=&page= in the address); a compound (#/admin/places/<id>) with its
// details, owners' committee and buildings, each building's households; a household
// (#/admin/households/<id>) with its residents, their care flags as toggles. Every form shows the
// server's message on its field (PROTOCOL.md §25.4). Online only.
import { ORG } from '../constants.js';
import { t } from '../i18n.js';
import {
  CARE_FLAGS,
  createBuilding,
  createCompound,
  createHousehold,
  createResident,
  deleteBuilding,
  deleteHousehold,
  deleteResident,
  flagsOf,
  listAddress,
  listQuery,
  loadBuildings,
  loadCompound,
  loadCompounds,
  loadHousehold,
  loadHouseholds,
  RELATIONS,
  saveBuilding,
  saveCommittee,
  saveCompound,
  saveHousehold,
  saveResident,
} from '../org-data.js';
import { adminFrame, errorText, inputField, loadFailed, selectField, showFieldErrors } from './admin-common.js';
import { h } from './dom.js';
import { navigate } from './nav.js';
import { scopePicker } from './scope-picker.js';

/** Replaces a node's children, leaving out those not drawn (null, false). */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((child) => child != null && child !== false));
}

/** A form over named fields: submit(values) → the server; its messages land on the fields. */
export function placeForm({ testid, fields, submit, onSubmit, extra = [] }) {
  const status = h('p', { class: 'alert', role: 'alert', 'data-testid': `${testid}-error` });
  const saved = h('p', { class: 'note note--saved', role: 'status', 'data-testid': `${testid}-saved` });
  const button = h('button', {
    type: 'submit',
    class: 'btn btn--primary',
    'data-testid': `${testid}-submit`,
    text: submit,
  });
  const form = h(
    'form',
    { class: 'form place-form', novalidate: true, 'data-testid': testid },
    Object.values(fields),
    extra,
    status,
    saved,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    saved.textContent = '';
    button.disabled = true;
    try {
      await onSubmit();
      saved.textContent = t('place.saved');
    } catch (err) {
      status.textContent = showFieldErrors(err, fields);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

const text = (field) => field.input.value.trim() || null;
const number = (field) => (field.input.value.trim() === '' ? null : Number(field.input.value));

function deleteButton({ testid, label, action, after, status }) {
  return h('button', {
    type: 'button',
    class: 'btn btn--ghost btn--danger',
    'data-testid': testid,
    text: label,
    onclick: async () => {
      try {
        await action();
        after();
      } catch (err) {
        status.textContent = errorText(err);
      }
    },
  });
}

/** A list's search form: submitting it opens the list's address with ?q= (page 1). */
export function listSearch({ path, label, testid, q, maxlength }) {
  const search = inputField({ label, testid, type: 'search', value: q, maxlength });
  const form = h(
    'form',
    { class: 'form list-search', role: 'search' },
    search,
    h('button', { type: 'submit', class: 'btn btn--secondary', text: t('place.search_go') }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(listAddress(path, { q: search.input.value.trim() }));
  });
  return form;
}

/** 上一页 · 第 n / m 页 · 下一页, as links to the list's addresses (null for one page). */
export function pager({ path, q, page, found, testid }) {
  const pages = Math.max(1, Math.ceil(found.total / found.per_page));
  if (pages < 2) return null;
  const link = (to, key) =>
    h('a', {
      class: 'btn btn--ghost',
      href: `#${listAddress(path, { q, page: to })}`,
      'data-testid': `${testid}-${key}`,
      text: t(`place.${key}`),
    });
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('place.pages') },
    page > 1 ? link(page - 1, 'prev') : null,
    h('span', { class: 'muted', text: t('place.page_of', { page, pages }) }),
    page < pages ? link(page + 1, 'next') : null,
  );
}

// --- the list -----------------------------------------------------------------------------------

/** The screen for #/admin/places. */
export function adminPlacesScreen({ query }) {
  const { q, page } = listQuery(query);
  const { screen, body } = adminFrame({
    testid: 'admin-places',
    title: t('place.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const searchForm = listSearch({
    path: '/admin/places',
    label: t('place.search'),
    testid: 'places-q',
    q,
    maxlength: ORG.SEARCH_MAX,
  });
  async function draw() {
    const found = await loadCompounds({ q, page, per_page: 20 });
    fill(
      body,
      searchForm,
      h('p', { class: 'muted', 'data-testid': 'places-total', text: t('place.total', { n: found.total }) }),
      h(
        'ul',
        { class: 'place-list', 'data-testid': 'places-list' },
        found.items.map((c) =>
          h(
            'li',
            {},
            h(
              'a',
              { class: 'place-row', href: `#/admin/places/${c.id}`, 'data-testid': 'place-row' },
              h('span', { class: 'place-row__name', text: c.name }),
              h('span', { class: 'muted', text: [c.address, c.property_company?.name].filter(Boolean).join(' · ') }),
            ),
          ),
        ),
      ),
      pager({ path: '/admin/places', q, page, found, testid: 'places' }),
      h('h2', { class: 'section-title', text: t('place.new_compound') }),
      newCompoundForm(),
    );
  }
  draw().catch((err) => body.replaceChildren(loadFailed(err, draw)));
  return screen;
}

function compoundFields(compound = {}) {
  return {
    name: inputField({
      label: t('place.field.name'),
      testid: 'compound-name',
      value: compound.name ?? '',
      maxlength: ORG.COMPOUND_NAME_MAX,
      required: true,
    }),
    address: inputField({
      label: t('place.field.address'),
      testid: 'compound-address',
      value: compound.address ?? '',
      maxlength: ORG.ADDRESS_MAX,
    }),
    built_year: inputField({
      label: t('place.field.built_year'),
      testid: 'compound-year',
      type: 'number',
      value: compound.built_year ?? '',
    }),
    latitude: inputField({
      label: t('place.field.latitude'),
      testid: 'compound-lat',
      type: 'number',
      value: compound.latitude ?? '',
    }),
    longitude: inputField({
      label: t('place.field.longitude'),
      testid: 'compound-lng',
      type: 'number',
      value: compound.longitude ?? '',
    }),
  };
}

function compoundBody(fields) {
  return {
    name: fields.name.input.value.trim(),
    address: text(fields.address),
    built_year: number(fields.built_year),
    latitude: number(fields.latitude),
    longitude: number(fields.longitude),
  };
}

function newCompoundForm() {
  const fields = compoundFields();
  const community = scopePicker({
    label: t('place.field.community'),
    testid: 'compound-community',
    kinds: ['community'],
  });
  const company = scopePicker({ label: t('place.field.company'), testid: 'compound-company', kinds: ['company'] });
  fields.community_id = {
    setError: (message) => community.node.querySelector('.scope-picker__status')?.replaceChildren(message ?? ''),
  };
  return placeForm({
    testid: 'compound-new',
    fields,
    extra: [community.node, company.node],
    submit: t('place.create'),
    onSubmit: async () => {
      const made = await createCompound({
        ...compoundBody(fields),
        community_id: community.value()?.id ?? 0,
        property_company_id: company.value()?.id ?? null,
      });
      navigate(`/admin/places/${made.id}`);
    },
  });
}

// --- a compound ---------------------------------------------------------------------------------

/** The screen for #/admin/places/<id>. */
export function adminCompoundScreen({ params }) {
  const id = Number(params.id);
  const { screen, heading, body } = adminFrame({
    testid: 'admin-compound',
    title: t('place.compound'),
    back: '/admin/places',
    backText: t('place.title'),
  });
  async function draw() {
    const compound = await loadCompound(id);
    heading.textContent = compound.name;
    const fields = compoundFields(compound);
    const company = scopePicker({
      label: t('place.field.company_change'),
      testid: 'compound-company',
      kinds: ['company'],
    });
    const buildings = h('div', { 'data-testid': 'buildings' });
    fill(
      body,
      h('p', {
        class: 'muted',
        text: [...compound.community_path.slice(1), compound.property_company?.name ?? t('place.self_managed')].join(
          ' › ',
        ),
      }),
      h(
        'details',
        { class: 'place-section' },
        h('summary', { 'data-testid': 'compound-edit-open', text: t('place.edit_compound') }),
        placeForm({
          testid: 'compound-edit',
          fields,
          extra: [company.node],
          submit: t('place.save'),
          onSubmit: async () => {
            const changes = compoundBody(fields);
            if (company.value()) changes.property_company_id = company.value().id;
            await saveCompound(id, changes);
          },
        }),
      ),
      committeeForm(compound),
      h('h2', { class: 'section-title', text: t('place.buildings') }),
      buildings,
    );
    await drawBuildings(id, buildings);
  }
  draw().catch((err) => body.replaceChildren(loadFailed(err, draw)));
  return screen;
}

function committeeForm(compound) {
  const c = compound.owners_committee ?? {};
  const fields = {
    name: inputField({
      label: t('place.field.committee_name'),
      testid: 'committee-name',
      value: c.name ?? '',
      maxlength: ORG.COMMITTEE_NAME_MAX,
    }),
    chair_name: inputField({
      label: t('place.field.chair'),
      testid: 'committee-chair',
      value: c.chair_name ?? '',
      maxlength: ORG.CHAIR_MAX,
    }),
    established_on: inputField({
      label: t('place.field.established_on'),
      testid: 'committee-from',
      type: 'date',
      value: c.established_on ?? '',
    }),
    term_ends_on: inputField({
      label: t('place.field.term_ends_on'),
      testid: 'committee-until',
      type: 'date',
      value: c.term_ends_on ?? '',
    }),
  };
  return h(
    'details',
    { class: 'place-section' },
    h('summary', { text: t('place.committee') }),
    placeForm({
      testid: 'committee',
      fields,
      submit: t('place.save'),
      onSubmit: () =>
        saveCommittee(compound.id, {
          name: fields.name.input.value.trim(),
          chair_name: text(fields.chair_name),
          established_on: text(fields.established_on),
          term_ends_on: text(fields.term_ends_on),
        }),
    }),
  );
}

function buildingFields(b = {}) {
  return {
    name: inputField({
      label: t('place.field.building'),
      testid: 'building-name',
      value: b.name ?? '',
      maxlength: ORG.BUILDING_NAME_MAX,
      required: true,
    }),
    units: inputField({ label: t('place.field.units'), testid: 'building-units', type: 'number', value: b.units ?? 1 }),
    floors: inputField({
      label: t('place.field.floors'),
      testid: 'building-floors',
      type: 'number',
      value: b.floors ?? 6,
    }),
  };
}

const buildingBody = (f) => ({ name: f.name.input.value.trim(), units: number(f.units), floors: number(f.floors) });

async function drawBuildings(compoundId, into) {
  const rows = await loadBuildings(compoundId);
  const redraw = () => drawBuildings(compoundId, into);
  const newFields = buildingFields();
  fill(
    into,
    ...rows.map((b) => buildingBlock(b, redraw)),
    h(
      'details',
      { class: 'place-section' },
      h('summary', { 'data-testid': 'building-add', text: t('place.new_building') }),
      placeForm({
        testid: 'building-new',
        fields: newFields,
        submit: t('place.create'),
        onSubmit: async () => {
          await createBuilding(compoundId, buildingBody(newFields));
          await redraw();
        },
      }),
    ),
  );
}

function buildingBlock(building, redraw) {
  const fields = buildingFields(building);
  const households = h('div', { class: 'households' });
  const status = h('p', { class: 'alert', role: 'alert' });
  const block = h(
    'details',
    { class: 'place-section', 'data-testid': 'building', 'data-name': building.name },
    h('summary', {
      text: `${building.name} · ${t('place.units_floors', { units: building.units, floors: building.floors })}`,
    }),
    placeForm({
      testid: 'building-edit',
      fields,
      submit: t('place.save'),
      onSubmit: () => saveBuilding(building.id, buildingBody(fields)),
    }),
    deleteButton({
      testid: 'building-delete',
      label: t('place.delete'),
      action: () => deleteBuilding(building.id),
      after: redraw,
      status,
    }),
    status,
    households,
  );
  block.addEventListener('toggle', () => {
    if (block.open && !households.childElementCount) drawHouseholds(building.id, households);
  });
  return block;
}

async function drawHouseholds(buildingId, into, page = 1) {
  const found = await loadHouseholds(buildingId, { page, per_page: 50 });
  const unit = inputField({
    label: t('place.field.unit'),
    testid: 'household-unit',
    maxlength: ORG.UNIT_MAX,
    required: true,
  });
  const room = inputField({
    label: t('place.field.room'),
    testid: 'household-room',
    maxlength: ORG.ROOM_MAX,
    required: true,
  });
  fill(
    into,
    h('h3', { class: 'org-panel__title', text: t('place.households', { n: found.total }) }),
    h(
      'ul',
      { class: 'place-list place-list--grid' },
      found.items.map((hh) =>
        h(
          'li',
          {},
          h('a', {
            class: 'place-row',
            href: `#/admin/households/${hh.id}`,
            'data-testid': 'household-row',
            text: `${hh.unit} ${hh.room}`,
          }),
        ),
      ),
    ),
    found.total > page * 50
      ? h('button', {
          type: 'button',
          class: 'btn btn--ghost',
          text: t('place.next'),
          onclick: () => drawHouseholds(buildingId, into, page + 1),
        })
      : null,
    placeForm({
      testid: 'household-new',
      fields: { unit, room },
      submit: t('place.new_household'),
      onSubmit: async () => {
        await createHousehold(buildingId, { unit: unit.input.value.trim(), room: room.input.value.trim() });
        await drawHouseholds(buildingId, into, page);
      },
    }),
  );
}

// --- a household --------------------------------------------------------------------------------

function careToggles(chosen = []) {
  const boxes = CARE_FLAGS.map((flag) =>
    h(
      'label',
      { class: 'toggle' },
      h('input', {
        type: 'checkbox',
        role: 'switch',
        value: flag,
        checked: chosen.includes(flag),
        'data-testid': `care-${flag}`,
      }),
      h('span', { text: t(`place.care.${flag}`) }),
    ),
  );
  const field = h(
    'fieldset',
    { class: 'choices-field care-toggles' },
    h('legend', { class: 'field__label', text: t('place.field.care_flags') }),
    boxes,
  );
  field.value = () =>
    flagsOf(
      boxes
        .map((b) => b.querySelector('input'))
        .filter((i) => i.checked)
        .map((i) => i.value),
    );
  field.setError = () => {};
  return field;
}

function residentFields(r = {}) {
  return {
    name: inputField({
      label: t('place.field.resident_name'),
      testid: 'resident-name',
      value: r.name ?? '',
      maxlength: ORG.RESIDENT_NAME_MAX,
      required: true,
    }),
    phone: inputField({
      label: t('place.field.phone'),
      testid: 'resident-phone',
      type: 'tel',
      placeholder: r.phone_masked ?? '',
    }),
    gender: selectField({
      label: t('place.field.gender'),
      testid: 'resident-gender',
      value: r.gender ?? '',
      options: [
        { value: '', label: '—' },
        { value: 'M', label: t('place.gender.M') },
        { value: 'F', label: t('place.gender.F') },
      ],
    }),
    birth_year: inputField({
      label: t('place.field.birth_year'),
      testid: 'resident-birth',
      type: 'number',
      value: r.birth_year ?? '',
    }),
    relation: selectField({
      label: t('place.field.relation'),
      testid: 'resident-relation',
      value: r.relation ?? 'head',
      options: RELATIONS.map((value) => ({ value, label: t(`place.relation.${value}`) })),
    }),
    care_flags: careToggles(r.care_flags),
  };
}

function residentBody(f, { keepPhone }) {
  const body = {
    name: f.name.input.value.trim(),
    gender: f.gender.input.value || null,
    birth_year: number(f.birth_year),
    relation: f.relation.input.value,
    care_flags: f.care_flags.value(),
  };
  const phone = f.phone.input.value.trim();
  if (phone || !keepPhone) body.phone = phone || null;
  return body;
}

/** The screen for #/admin/households/<id>. */
export function adminHouseholdScreen({ params }) {
  const id = Number(params.id);
  const { screen, heading, body } = adminFrame({
    testid: 'admin-household',
    title: t('place.household'),
    back: '/admin/places',
    backText: t('place.title'),
  });
  async function draw() {
    const household = await loadHousehold(id);
    heading.textContent = `${household.compound.name} ${household.building.name} ${household.unit} ${household.room}`;
    const unit = inputField({
      label: t('place.field.unit'),
      testid: 'household-unit',
      value: household.unit,
      maxlength: ORG.UNIT_MAX,
    });
    const room = inputField({
      label: t('place.field.room'),
      testid: 'household-room',
      value: household.room,
      maxlength: ORG.ROOM_MAX,
    });
    const status = h('p', { class: 'alert', role: 'alert' });
    const newFields = residentFields();
    fill(
      body,
      h('a', { class: 'back', href: `#/admin/places/${household.compound.id}`, text: household.compound.name }),
      placeForm({
        testid: 'household-edit',
        fields: { unit, room },
        submit: t('place.save'),
        onSubmit: () => saveHousehold(id, { unit: unit.input.value.trim(), room: room.input.value.trim() }),
      }),
      deleteButton({
        testid: 'household-delete',
        label: t('place.delete_household'),
        action: () => deleteHousehold(id),
        after: () => navigate(`/admin/places/${household.compound.id}`),
        status,
      }),
      status,
      h('h2', { class: 'section-title', text: t('place.residents') }),
      ...household.residents.map((r) => residentBlock(r, draw)),
      h(
        'details',
        { class: 'place-section' },
        h('summary', { 'data-testid': 'resident-add', text: t('place.new_resident') }),
        placeForm({
          testid: 'resident-new',
          fields: newFields,
          submit: t('place.create'),
          onSubmit: async () => {
            await createResident(id, residentBody(newFields, { keepPhone: false }));
            await draw();
          },
        }),
      ),
    );
  }
  draw().catch((err) => body.replaceChildren(loadFailed(err, draw)));
  return screen;
}

function residentBlock(resident, redraw) {
  const fields = residentFields(resident);
  const status = h('p', { class: 'alert', role: 'alert' });
  const flags = (resident.care_flags ?? []).map((flag) =>
    h('span', { class: 'chip chip--care', text: t(`place.care.${flag}`) }),
  );
  return h(
    'details',
    { class: 'place-section', 'data-testid': 'resident', 'data-name': resident.name },
    h('summary', {}, `${resident.name} `, ...flags),
    placeForm({
      testid: 'resident-edit',
      fields,
      submit: t('place.save'),
      onSubmit: () => saveResident(resident.id, residentBody(fields, { keepPhone: true })),
    }),
    deleteButton({
      testid: 'resident-delete',
      label: t('place.delete'),
      action: () => deleteResident(resident.id),
      after: redraw,
      status,
    }),
    status,
  );
}
