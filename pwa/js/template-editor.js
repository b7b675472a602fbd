// The checklist editor's logic without a DOM (issue 5, ui/admin-templates.js): totals, fresh
// item codes, the request body, and a refused save's field messages by path.

/** {weight, items}: the sum of the weights and the number of items of a template's categories. */
export function templateTotals(categories) {
  let weight = 0;
  let items = 0;
  for (const category of categories ?? []) {
    for (const item of category.items ?? []) {
      weight += Number(item.weight) || 0;
      items += 1;
    }
  }
  return { weight: Math.round(weight * 100) / 100, items };
}

/** A code not yet in `taken`: "<prefix>.<n>" with the smallest n from 1. */
export function freshCode(prefix, taken) {
  const used = new Set(taken);
  for (let n = 1; ; n += 1) if (!used.has(`${prefix}.${n}`)) return `${prefix}.${n}`;
}

/** The body of POST/PATCH /api/inspection-templates from the editor's copy (numbers as numbers). */
export function templateBody(draft) {
  return {
    code: draft.code,
    name: draft.name.trim(),
    description: draft.description?.trim() || null,
    max_score: Number(draft.max_score),
    severity_deadlines: Object.fromEntries(Object.entries(draft.severity_deadlines).map(([k, v]) => [k, Number(v)])),
    categories: draft.categories.map((category) => ({
      code: category.code,
      name: category.name.trim(),
      items: category.items.map((item) => ({
        code: item.code,
        text: item.text.trim(),
        weight: Number(item.weight),
        severity: item.severity,
        photo_required_on_fail: Boolean(item.photo_required_on_fail),
        ...(item.guidance ? { guidance: item.guidance } : {}),
      })),
    })),
  };
}

/**
 * Field messages of a refused template save, flattened to readable paths:
 * {categories: {0: {items: {1: {weight: ["…"]}}}}} → [["categories.0.items.1.weight", "…"]].
 */
export function flattenFieldErrors(fields, prefix = '') {
  const out = [];
  for (const [key, value] of Object.entries(fields ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value) && value.every((m) => typeof m === 'string')) out.push([path, value.join(' ')]);
    else if (value && typeof value === 'object') out.push(...flattenFieldErrors(value, path));
    else out.push([path, String(value)]);
  }
  return out;
}
