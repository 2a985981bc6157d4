import { InitialSchema1764350000000 } from './1764350000000-initial-schema';
import { Merges1764350100000 } from './1764350100000-merges';
import { DescriptionTasks1764350200000 } from './1764350200000-description-tasks';
import { ContentKeyedDescriptionCache1764350300000 } from './1764350300000-content-keyed-description-cache';
import { MergeWarnings1764350400000 } from './1764350400000-merge-warnings';
import { HealthProbe1764360000000 } from './1764360000000-health-probe';
import { OneActiveMergePerSession1764370000000 } from './1764370000000-one-active-merge-per-session';

/** Listed by hand: the server is bundled, so migrations cannot be found by a file glob. */
export const MIGRATIONS = [
  InitialSchema1764350000000,
  Merges1764350100000,
  DescriptionTasks1764350200000,
  ContentKeyedDescriptionCache1764350300000,
  MergeWarnings1764350400000,
  HealthProbe1764360000000,
  OneActiveMergePerSession1764370000000,
];
