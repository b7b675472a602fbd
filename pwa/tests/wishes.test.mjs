// Micro-wishes (S5) without a browser: which card belongs to which wish, the resident's list and
// progress, the wall's two lists (open first, then my claims, a lost claim kept in sight), the
// admin's queue, what each person may do with a card, the checks before saving, what each tap
// enqueues, and the reads from IndexedDB with their pending and refused state.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import './support/setup.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const outbox = await import('../js/outbox.js');
const { receiveServerCopy } = await import('../js/local-records.js');
const wishes = await import('../js/wishes.js');
const actions = await import('../js/wish-actions.js');
const data = await import('../js/wish-data.js');

const ME = 7;
const wishItem = (id, fields, extra = {}) => ({ id, wish: fields, pending: false, rejected: false, ...extra });
const cardItem = (id, fields, extra = {}) => ({ id, card: fields, pending: false, rejected: false, ...extra });
const me = (...roles) => ({ user: { id: ME }, roles });

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
});

test('a card belongs to the wish it names; the resident sees their own wishes newest first, each with its card', () => {
  const cards = [cardItem('c1', { wish_id: 'w1', status: 'claimed' }), cardItem('c9', { wish_id: 'w9' })];
  assert.equal(wishes.cardsByWish(cards).get('w1').id, 'c1');
  const list = wishes.myWishes(
    [
      wishItem('w1', { user_id: ME, status: 'approved', created_at: '2026-11-01T00:00:00Z' }),
      wishItem('w2', { user_id: ME, status: 'submitted', created_at: '2026-11-20T00:00:00Z' }),
      wishItem('w3', { user_id: ME, status: 'submitted' }), // made on this phone, not stamped yet
      wishItem('w4', { user_id: 99, status: 'submitted' }), // someone else's (an admin's phone)
    ],
    cards,
    ME,
  );
  assert.deepEqual(
    list.map((item) => [item.id, item.card?.id ?? null]),
    [
      ['w3', null],
      ['w2', null],
      ['w1', 'c1'],
    ],
  );
});

test("a wish's progress is its review until published, then its card's", () => {
  assert.deepEqual(wishes.wishProgress({ status: 'submitted' }, { status: 'open' }), { wish: 'submitted', card: null });
  assert.deepEqual(wishes.wishProgress({ status: 'approved' }, { status: 'fulfilled' }), {
    wish: 'approved',
    card: 'fulfilled',
  });
  assert.deepEqual(wishes.wishProgress({ status: 'approved' }, null), { wish: 'approved', card: null });
  assert.deepEqual(wishes.wishProgress({ status: 'rejected' }, null), { wish: 'rejected', card: null });
});

test('the wall lists open cards first (soonest wanted, no date last), then my claims; a lost claim stays mine', () => {
  const { open, mine } = wishes.wallSections(
    [
      cardItem('late', { status: 'open', wanted_by: '2026-12-20T00:00:00Z' }),
      cardItem('none', { status: 'open' }),
      cardItem('soon', { status: 'open', wanted_by: '2026-12-01T00:00:00Z' }),
      cardItem('theirs', { status: 'claimed', claimant_id: 99 }),
      cardItem('done', { status: 'fulfilled', claimant_id: ME }),
      cardItem('doing', { status: 'claimed', claimant_id: ME }),
      cardItem('offline', { status: 'claimed', claimant_id: null }, { pending: true }),
      cardItem('lost', { status: 'claimed', claimant_id: 99 }, { rejected: true }),
    ],
    ME,
  );
  assert.deepEqual(
    open.map((item) => item.id),
    ['soon', 'late', 'none'],
  );
  assert.deepEqual(
    mine.map((item) => item.id),
    ['lost', 'doing', 'offline', 'done'],
  );
});

test('the admin reviews the oldest waiting wish first; a refused review waits again', () => {
  const { waiting, done } = wishes.reviewQueue([
    wishItem('new', { status: 'submitted', created_at: '2026-11-20T00:00:00Z' }),
    wishItem('old', { status: 'submitted', created_at: '2026-11-01T00:00:00Z' }),
    wishItem('refused', { status: 'approved', created_at: '2026-11-10T00:00:00Z' }, { rejected: true }),
    wishItem('published', { status: 'approved', created_at: '2026-11-05T00:00:00Z' }),
  ]);
  assert.deepEqual(
    waiting.map((item) => item.id),
    ['old', 'refused', 'new'],
  );
  assert.deepEqual(
    done.map((item) => item.id),
    ['published'],
  );
});

test(
  'who may do what with a card: a volunteer claims an open one, releases or fulfils their ' +
    'claim; the resident confirms',
  () => {
    const volunteer = me({ role: 'volunteer', scope_type: 'org_unit', scope_id: 3 });
    const resident = me({ role: 'resident', scope_type: 'household', scope_id: 5, scope_name: '1号楼 101' });
    assert.deepEqual(wishes.cardActions(cardItem('c', { status: 'open' }), volunteer), ['claim']);
    assert.deepEqual(wishes.cardActions(cardItem('c', { status: 'claimed', claimant_id: ME }), volunteer), [
      'release',
      'fulfil',
    ]);
    assert.deepEqual(
      wishes.cardActions(cardItem('c', { status: 'claimed', claimant_id: null }, { pending: true }), volunteer),
      ['release', 'fulfil'],
      'my claim made offline',
    );
    assert.deepEqual(wishes.cardActions(cardItem('c', { status: 'claimed', claimant_id: 99 }), volunteer), []);
    assert.deepEqual(
      wishes.cardActions(cardItem('c', { status: 'claimed', claimant_id: 99 }, { rejected: true }), volunteer),
      [],
      'a refused claim offers nothing until it is discarded',
    );
    assert.deepEqual(wishes.cardActions(cardItem('c', { status: 'fulfilled' }), resident, { ownWish: true }), [
      'confirm',
    ]);
    assert.deepEqual(wishes.cardActions(cardItem('c', { status: 'claimed' }), resident, { ownWish: true }), []);
    assert.deepEqual(wishes.residentHouseholds(resident), [{ id: 5, name: '1号楼 101' }]);
    assert.ok(wishes.canWithdraw(wishItem('w', { user_id: ME, status: 'submitted' }), ME));
    assert.ok(!wishes.canWithdraw(wishItem('w', { user_id: ME, status: 'approved' }), ME));
  },
);

test(
  'the forms check before saving: a title, a date not past, a household; a public title or a ' +
    'reason; a photo; stars',
  () => {
    const now = new Date(2026, 10, 27, 10, 0);
    assert.deepEqual(wishes.wishProblems({ title: ' ', wantedBy: '2026-11-26', householdId: null }, now), {
      title: 'wish.required_title',
      wanted_by: 'wish.wanted_by_past',
      household_id: 'wish.required_household',
    });
    assert.deepEqual(wishes.wishProblems({ title: '轮椅', wantedBy: '2026-11-27', householdId: 5 }, now), {});
    assert.deepEqual(wishes.reviewProblems({ decision: 'approved', publicTitle: '' }), {
      public_title: 'wish.required_public_title',
    });
    assert.deepEqual(wishes.reviewProblems({ decision: 'rejected', note: '' }), {
      review_note: 'wish.required_reason',
    });
    assert.deepEqual(wishes.fulfilProblems({ photos: [] }), { evidence_photos: 'wish.evidence_required' });
    assert.deepEqual(wishes.confirmProblems({ rating: 0 }), { rating: 'wish.required_rating' });
    assert.deepEqual(wishes.confirmProblems({ rating: 5 }), {});
  },
);

test('what each tap writes: a new wish, a review, a fulfilment, a confirmation', () => {
  const now = new Date(2026, 10, 27, 9, 14, 3);
  const wish = actions.wishFields({
    userId: ME,
    householdId: '5',
    title: ' 想要一台轮椅 ',
    reason: '',
    photos: ['a', 'a', 'b'],
    wantedBy: '2026-12-01',
  });
  assert.deepEqual(
    { ...wish, wanted_by: wish.wanted_by.slice(0, 19) },
    {
      user_id: ME,
      household_id: 5,
      title: '想要一台轮椅',
      reason: null,
      photos: ['a', 'b'],
      wanted_by: '2026-12-01T23:59:59',
      status: 'submitted',
    },
  );
  assert.deepEqual(
    actions.reviewFields({
      decision: 'approved',
      publicTitle: '一位老人需要轮椅',
      publicText: ' ',
      publicPhotos: ['b'],
    }),
    { status: 'approved', public_title: '一位老人需要轮椅', public_text: null, public_photos: ['b'] },
  );
  assert.deepEqual(actions.reviewFields({ decision: 'rejected', note: ' 不属于微心愿 ' }), {
    status: 'rejected',
    review_note: '不属于微心愿',
  });
  const fulfil = actions.fulfilFields({ note: '已送到', photos: ['c'], now });
  assert.equal(fulfil.status, 'fulfilled');
  assert.deepEqual(fulfil.evidence_photos, ['c']);
  assert.match(fulfil.fulfilled_at, /^2026-11-27T09:14:03[+-]\d\d:\d\d$/);
  assert.equal(fulfil.hours, 1); // the default a volunteer did not change
  assert.equal(actions.fulfilFields({ photos: ['c'], hours: '2.5', now }).hours, 2.5);
  assert.deepEqual(
    { ...actions.confirmFields({ rating: '5', comment: '', now }), confirmed_at: null },
    { status: 'confirmed', rating: 5, rating_comment: null, confirmed_at: null },
  );
});

test('a claim made offline is mine at once and waits; refused, it stays with its message', async () => {
  const card = { wish_id: 'w1', community_id: 3, title: '一位老人需要轮椅', status: 'open', claimant_id: null };
  await db.transact(['records', 'outbox'], (tx) =>
    receiveServerCopy(tx, { entity: 'wish_card', id: 'c1', version: 4, data: card, bucket: 'community:3' }),
  );
  const { seq } = await actions.claimCard('c1');
  let { item } = await data.loadCard('c1');
  assert.equal(item.card.status, 'claimed');
  assert.ok(item.pending);
  assert.deepEqual(wishes.cardActions(item, me({ role: 'volunteer' })), ['release', 'fulfil']);

  // The server answers: another volunteer came first.
  await db.transact(['records', 'outbox'], async (tx) => {
    const entry = await tx.outbox.get(seq);
    await tx.outbox.put({
      ...entry,
      status: 'rejected',
      error: { code: 'already_claimed', message: '该心愿已被其他志愿者先认领了。', fields: { status: '…' } },
    });
    await receiveServerCopy(tx, {
      entity: 'wish_card',
      id: 'c1',
      version: 5,
      data: { ...card, status: 'claimed', claimant_id: 99 },
    });
  });
  const found = await data.loadCard('c1');
  item = found.item;
  assert.ok(item.rejected);
  assert.equal(found.refused[0].error.message, '该心愿已被其他志愿者先认领了。');
  assert.deepEqual(
    wishes.wallSections([item], ME).mine.map((i) => i.id),
    ['c1'],
  );
  await outbox.discard(seq);
  assert.equal((await data.loadCard('c1')).item.card.claimant_id, 99);
  assert.deepEqual(wishes.wallSections(await data.loadCards(), ME), { open: [], mine: [] });
});

test('a duplicate merges only into a published wish of the same community; the merge and the close as sent', () => {
  const item = (id, status, community_id = 3, extra = {}) => ({
    id,
    wish: { status, community_id, ...extra },
    local: false,
  });
  const me = item('w1', 'submitted');
  const items = [
    me,
    item('w2', 'approved', 3, { created_at: '2026-11-01T00:00:00Z' }),
    item('w3', 'approved', 3, { created_at: '2026-11-20T00:00:00Z' }),
    item('w4', 'approved', 9),
    item('w5', 'rejected'),
    { ...item('w6', 'approved'), local: true },
  ];
  assert.deepEqual(
    wishes.mergeTargets(items, me).map((i) => i.id),
    ['w3', 'w2'],
  );
  assert.deepEqual(wishes.reviewProblems({ decision: 'merged' }), { merged_into: 'wish.required_merge_target' });
  assert.deepEqual(actions.reviewFields({ decision: 'merged', mergeInto: 'w3' }), {
    status: 'merged',
    merged_into: 'w3',
    review_note: null,
  });
});

test('a member claims for the unit they report with, in that community only', () => {
  const mine = {
    members: [
      { community_id: 3, unit_id: 7, unit_name: '许昌市供电公司党委' },
      { community_id: 3, unit_id: null, unit_name: null },
      { community_id: 9, unit_id: 8, unit_name: '别的单位' },
    ],
  };
  assert.deepEqual(wishes.claimUnits(mine, 3), [{ key: 'unit:7', name: '许昌市供电公司党委' }]);
  assert.deepEqual(wishes.claimUnits(null, 3), []);
});
