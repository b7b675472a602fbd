// A pull page's groups (PROTOCOL.md §5.2.2, format 2) back as §5.2's changes: the mirror of
// ungroup() in sync/_pages.py (the server builds the groups; sync/vectors/_page_format_2.json
// holds one page in both formats for both languages' tests).

/** The page formats a client may ask for (§5.2.2). */
export const PAGE_FORMATS = [1, 2];

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The changes of a page in either format, in order. */
export function pageChanges(page) {
  if (Array.isArray(page?.changes)) return page.changes;
  if (!Array.isArray(page?.groups)) throw new Error('malformed pull page');
  return ungroup(page.groups);
}

/** §5.2.2's groups as §5.2's changes. */
export function ungroup(groups) {
  const changes = [];
  for (const group of groups) {
    const { bucket, entity, op, versions } = group;
    const ids = unpackIds(group.ids);
    const columns = op === 'put' ? dataColumns(group, ids.length) : [];
    const nulls = new Set(group.nulls ?? []);
    let version = 0;
    for (let index = 0; index < ids.length; index += 1) {
      version = index === 0 ? versions[0] : version + versions[index];
      let data = null;
      if (op === 'put' && !nulls.has(index)) {
        data = {};
        for (const { key, values, absent } of columns) if (!absent?.has(index)) data[key] = values[index];
      }
      changes.push({ bucket, entity, id: ids[index], op, version, data });
    }
  }
  return changes;
}

/** A put group's data, column by column: {key, values, absent: Set of rows without the key | undefined}. */
function dataColumns({ fields, columns, absent = {} }, rows) {
  if (!Array.isArray(fields) || !Array.isArray(columns) || columns.length !== fields.length)
    throw new Error('malformed pull page');
  return fields.map((key, at) => {
    if (!Array.isArray(columns[at]) || columns[at].length !== rows) throw new Error('malformed pull page');
    return { key, values: columns[at], absent: absent[key] ? new Set(absent[key]) : undefined };
  });
}

/** base64 of 16 bytes a lowercase UUID, or the list of ids itself. */
function unpackIds(ids) {
  if (Array.isArray(ids)) return ids;
  const bytes = atob(ids);
  if (bytes.length % 16) throw new Error('malformed pull page');
  const out = [];
  for (let at = 0; at < bytes.length; at += 16) {
    let hex = '';
    for (let i = 0; i < 16; i += 1) hex += HEX[bytes.charCodeAt(at + i)];
    out.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
  }
  return out;
}
