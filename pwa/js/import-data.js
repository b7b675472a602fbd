// 批量导入 (PROTOCOL.md §23): the admin's import endpoints. The file travels twice, once to be
// previewed and once to be committed; the server keeps nothing between the two.
import { postForm } from './api.js';

export const IMPORT_KINDS = ['households', 'residents', 'users'];
// A city's register is checked row by row: give the server longer than an ordinary request.
const IMPORT_TIMEOUT_MS = 180000;

const enc = encodeURIComponent;

function send(kind, step, file) {
  const form = new FormData();
  form.append('file', file, file.name);
  return postForm(`/api/admin/imports/${enc(kind)}/${step}`, form, { timeoutMs: IMPORT_TIMEOUT_MS });
}

export const previewImport = (kind, file) => send(kind, 'preview', file);
export const commitImport = (kind, file) => send(kind, 'commit', file);
export const templateUrl = (kind, format) => `/api/admin/imports/${enc(kind)}/template?format=${enc(format)}`;
