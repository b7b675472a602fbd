// What the evaluator's taps write (PROTOCOL.md §20.2): the whole scores map, the comment and
// the status, as one outbox entry — saved on the phone at once and sent with the next sync.

import { BALLOT } from './evaluation-data.js';
import { enqueue } from './outbox.js';

/** The fields of a save (保存) or a submission (提交). */
export function formFields({ scores, comment = '', submit = false }) {
  return {
    scores: { ...scores },
    comment: (comment ?? '').trim() || null,
    status: submit ? 'submitted' : 'open',
  };
}

export const saveForm = (id, values) => enqueue({ entity: BALLOT, id, op: 'update', fields: formFields(values) });
