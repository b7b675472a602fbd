// The server's limits and vocabularies (STYLE.md rule 14): written once in the server, gathered
// by server/client_constants.py and exported to generated/constants.json by
// scripts/export_constants.py. Nothing in js/ writes one of them again: it imports it from here.
// esbuild bundles the JSON into the app; node (the tests) imports it as a JSON module.
import constants from '../generated/constants.json' with { type: 'json' };

// Frozen: every module shares these arrays, so none may sort or extend one in place.
const frozen = (value) => {
  if (value && typeof value === 'object') Object.values(value).forEach(frozen);
  return Object.freeze(value);
};

export const {
  roles: ROLES,
  org: ORG,
  alerts: ALERTS,
  tasks: TASKS,
  inspections: INSPECTIONS,
  wishes: WISHES,
  members: MEMBERS,
  evaluation: EVALUATION,
  needs: NEEDS,
  join: JOIN,
  activities: ACTIVITIES,
  vocab: VOCAB,
} = frozen(constants);
