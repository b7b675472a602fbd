// Names of the compounds that orders point at, for property staff: an order carries only the
// compound's id, and a company's staff have no grid directory (places.js) nor a steward's
// roles to name it. Online, the order's view (GET /api/rectification-orders/<id>) names its
// compound; the names are kept in IndexedDB (db.js kv) so the lists read them offline too.
import { get } from './api.js';
import { getCached, setCached } from './db.js';

const KEY = 'compound-names';

/** {compound id: name} kept on the phone. */
export async function loadCompoundNames() {
  return new Map(Object.entries((await getCached(KEY)) ?? {}).map(([id, name]) => [Number(id), name]));
}

/**
 * Learns the names of the compounds of `orders` ({id, order} items) not named yet: one order's
 * view per unknown compound. Resolves to true when a name was learnt; never rejects.
 */
export async function learnCompoundNames(orders) {
  const names = await loadCompoundNames();
  const unknown = new Map();
  for (const { id, order } of orders)
    if (order.compound_id != null && !names.has(order.compound_id)) unknown.set(order.compound_id, id);
  let learnt = false;
  for (const orderId of unknown.values()) {
    try {
      const view = await get(`/api/rectification-orders/${encodeURIComponent(orderId)}`);
      if (view?.compound_name && view.data?.compound_id != null) {
        names.set(view.data.compound_id, view.compound_name);
        learnt = true;
      }
    } catch (err) {
      console.warn('could not learn a compound name', err);
      break; // offline or refused: the next refresh tries again
    }
  }
  if (learnt) await setCached(KEY, Object.fromEntries(names));
  return learnt;
}
