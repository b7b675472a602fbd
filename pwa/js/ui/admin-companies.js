// 物业企业 (#/admin/companies), an admin's: the property companies, searched by name or 统一社会信用代码
// and paged on the server (?q=&page= in the address), each editable only by an admin over every
// compound it manages (the others are shown read-only, PROTOCOL.md §25.4); a form for a new one.
import { ORG } from '../constants.js';
import { t } from '../i18n.js';
import { createCompany, deleteCompany, listQuery, loadCompanies, saveCompany } from '../org-data.js';
import { adminFrame, errorText, inputField, loadFailed } from './admin-common.js';
import { fill, listSearch, pager, placeForm } from './admin-places.js';
import { h } from './dom.js';

function companyFields(c = {}) {
  const branch = h('input', {
    type: 'checkbox',
    role: 'switch',
    checked: Boolean(c.has_party_branch),
    'data-testid': 'company-branch',
  });
  const branchField = h('label', { class: 'switch' }, branch, h('span', { text: t('company.field.party_branch') }));
  branchField.input = branch;
  branchField.setError = () => {};
  return {
    name: inputField({
      label: t('company.field.name'),
      testid: 'company-name',
      value: c.name ?? '',
      maxlength: ORG.COMPANY_NAME_MAX,
      required: true,
    }),
    credit_code: inputField({
      label: t('company.field.credit_code'),
      testid: 'company-code',
      value: c.credit_code ?? '',
      maxlength: ORG.CREDIT_CODE_MAX,
      hint: t('company.credit_code_hint'),
    }),
    contact_phone: inputField({
      label: t('company.field.phone'),
      testid: 'company-phone',
      type: 'tel',
      value: c.contact_phone ?? '',
      maxlength: ORG.COMPANY_PHONE_MAX,
    }),
    has_party_branch: branchField,
  };
}

const companyBody = (f) => ({
  name: f.name.input.value.trim(),
  credit_code: f.credit_code.input.value.trim().toUpperCase() || null,
  contact_phone: f.contact_phone.input.value.trim() || null,
  has_party_branch: f.has_party_branch.input.checked,
});

function companyBlock(company, redraw) {
  const status = h('p', { class: 'alert', role: 'alert' });
  const fields = companyFields(company);
  const line = [
    company.credit_code,
    t('company.compounds', { n: company.compounds_count }),
    company.has_party_branch ? t('company.branch_yes') : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return h(
    'details',
    { class: 'place-section', 'data-testid': 'company', 'data-name': company.name },
    h(
      'summary',
      {},
      h('span', { class: 'place-row__name', text: company.name }),
      h('span', { class: 'muted', text: ` ${line}` }),
    ),
    company.editable
      ? [
          placeForm({
            testid: 'company-edit',
            fields,
            submit: t('place.save'),
            onSubmit: () => saveCompany(company.id, companyBody(fields)),
          }),
          h('button', {
            type: 'button',
            class: 'btn btn--ghost btn--danger',
            'data-testid': 'company-delete',
            text: t('place.delete'),
            onclick: () =>
              deleteCompany(company.id)
                .then(redraw)
                .catch((err) => {
                  status.textContent = errorText(err);
                }),
          }),
          status,
        ]
      : h('p', { class: 'muted', text: t('company.read_only') }),
  );
}

/** The screen for #/admin/companies. */
export function adminCompaniesScreen({ query }) {
  const { q, page } = listQuery(query);
  const { screen, body } = adminFrame({
    testid: 'admin-companies',
    title: t('company.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const searchForm = listSearch({
    path: '/admin/companies',
    label: t('company.search'),
    testid: 'companies-q',
    q,
    maxlength: ORG.COMPANY_SEARCH_MAX,
  });
  async function draw() {
    const found = await loadCompanies({ q, page, per_page: 20 });
    const fields = companyFields();
    fill(
      body,
      searchForm,
      h('p', { class: 'muted', 'data-testid': 'companies-total', text: t('company.total', { n: found.total }) }),
      h(
        'div',
        { 'data-testid': 'companies-list' },
        found.items.map((c) => companyBlock(c, draw)),
      ),
      pager({ path: '/admin/companies', q, page, found, testid: 'companies' }),
      h('h2', { class: 'section-title', text: t('company.new') }),
      placeForm({
        testid: 'company-new',
        fields,
        submit: t('place.create'),
        onSubmit: async () => {
          await createCompany(companyBody(fields));
          await draw();
        },
      }),
    );
  }
  draw().catch((err) => body.replaceChildren(loadFailed(err, draw)));
  return screen;
}
