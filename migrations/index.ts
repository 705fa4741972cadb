// The ordered list of migrations: the only way the schema changes. Append, never edit a landed one.
import { Accounts } from './0001-accounts.ts';
import { Catalog } from './0002-catalog.ts';
import { Library } from './0003-library.ts';
import { Billing } from './0004-billing.ts';
import { Engagement } from './0005-engagement.ts';
import { Jobs } from './0006-jobs.ts';
import { Recommendations } from './0007-recommendations.ts';
import { Playback } from './0008-playback.ts';
import { BrowseCovering } from './0009-browse-covering.ts';
import { JobSchedules } from './0010-job-schedules.ts';
import { Media } from './0011-media.ts';
import { CatalogAlive } from './0012-catalog-alive.ts';
import { Analytics } from './0013-analytics.ts';
import { WatchParties } from './0014-watch-parties.ts';

export const migrationsList = [
  { name: '0001-accounts', class: Accounts },
  { name: '0002-catalog', class: Catalog },
  { name: '0003-library', class: Library },
  { name: '0004-billing', class: Billing },
  { name: '0005-engagement', class: Engagement },
  { name: '0006-jobs', class: Jobs },
  { name: '0007-recommendations', class: Recommendations },
  { name: '0008-playback', class: Playback },
  { name: '0009-browse-covering', class: BrowseCovering },
  { name: '0010-job-schedules', class: JobSchedules },
  { name: '0011-media', class: Media },
  { name: '0012-catalog-alive', class: CatalogAlive },
  { name: '0013-analytics', class: Analytics },
  { name: '0014-watch-parties', class: WatchParties },
];
