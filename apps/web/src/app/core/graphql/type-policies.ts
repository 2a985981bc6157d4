import type { TypePolicies } from '@apollo/client';

const ACTIVE = new Set(['QUEUED', 'RUNNING']);

/** Counters of a task only grow: an answer that left the server before an event cannot undo it. */
const neverLess = {
  merge: (existing: number | undefined, incoming: number) => Math.max(existing ?? 0, incoming),
};

/** A finished task does not become active again because of an older answer. */
const statusStaysFinished = {
  merge: (existing: string | undefined, incoming: string) =>
    existing && !ACTIVE.has(existing) && ACTIVE.has(incoming) ? existing : incoming,
};

export const graphqlTypePolicies: TypePolicies = {
  Session: {
    fields: {
      // Lists come whole from the server, in course order: replace, never merge.
      packages: { merge: false },
      merges: { merge: false },
    },
  },
  Package: {
    fields: {
      warnings: { merge: false },
    },
  },
  DescriptionTask: {
    fields: {
      completed: neverLess,
      failed: neverLess,
      progress: neverLess,
      status: statusStaysFinished,
    },
  },
  Merge: {
    fields: {
      progress: neverLess,
      status: statusStaysFinished,
      modules: { merge: false },
    },
  },
};
