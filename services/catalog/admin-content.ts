// Admin changes to titles: create local originals (movies and series with their seasons), replace or patch
// the editable fields of any title (a TMDb copy too), and soft delete.
import { editableFields, insertLocalTitle, softDeleteTitle, writeEditable } from '../../repositories/titles-admin.ts';
import type { Actor, Deps } from '../deps.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { maturityLevel } from './maturity.ts';
import type { ContentCreateInput, ContentEditInput } from '../../schemas/admin-content.ts';
import {
  applyChange,
  checkCast,
  checkGenres,
  lockTitle,
  newContentId,
  recount,
  refreshSearch,
  replaceCredits,
  syncTitleGenres,
} from './admin-store.ts';
import { checkSeasonNumbers, insertSeason } from './admin-seasons.ts';
import { getContentView, type ContentView } from './admin-view.ts';
import type { TitleInput } from './store.ts';
import { notifyNewTitle } from '../notifications/generators.ts';

/** The editable columns of a title, as written. */
type TitleFields = Pick<
  TitleInput,
  | 'title'
  | 'original_title'
  | 'original_language'
  | 'overview'
  | 'release_date'
  | 'runtime'
  | 'genre_ids'
  | 'certification'
  | 'popularity'
  | 'poster_path'
  | 'backdrop_path'
  | 'homepage'
>;

const EMPTY: Omit<TitleFields, 'title'> = {
  original_title: null,
  original_language: null,
  overview: null,
  release_date: null,
  runtime: null,
  genre_ids: [],
  certification: 'NR',
  popularity: 0,
  poster_path: null,
  backdrop_path: null,
  homepage: null,
};

/** Body field → column, for the fields whose names differ. */
const COLUMN: Record<string, keyof TitleFields> = { poster_url: 'poster_path', backdrop_url: 'backdrop_path' };

function overlay(base: TitleFields, input: ContentEditInput, genreIds: number[] | undefined): TitleFields {
  const next: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'cast' || key === 'directors' || key === 'genre_ids') continue;
    next[COLUMN[key] ?? key] = value;
  }
  if (genreIds) next.genre_ids = genreIds;
  return next as unknown as TitleFields;
}

async function writeTitle(tx: Em, id: string, fields: TitleFields): Promise<void> {
  const level = maturityLevel(fields.certification);
  await writeEditable(tx, id, { ...fields, maturity_level: level });
  await syncTitleGenres(tx, id, fields.genre_ids, fields.popularity, level);
}

async function writeCredits(tx: Em, id: string, input: ContentEditInput): Promise<void> {
  if (input.cast) await replaceCredits(tx, id, 'cast', input.cast);
  if (input.directors)
    await replaceCredits(
      tx,
      id,
      'director',
      input.directors.map((name) => ({ name })),
    );
}

export async function createContent(deps: Deps, actor: Actor, input: ContentCreateInput): Promise<ContentView> {
  if (input.type === 'movie' && input.seasons?.length) {
    throw new AppError('INVALID_REQUEST', 'Only series have seasons', {
      fields: [{ field: 'seasons', in: 'body', message: 'is only allowed when type is series' }],
    });
  }
  checkCast(input.cast);
  checkSeasonNumbers(input.seasons ?? []);
  const genreIds = await checkGenres(deps.em, input.genre_ids ?? []);
  const { type, seasons = [], ...editable } = input;
  const fields = overlay({ title: input.title, ...EMPTY }, editable, genreIds);
  const id = newContentId();
  await applyChange(deps, actor, async (tx) => {
    await insertLocalTitle(tx, id, type, fields.title);
    await writeTitle(tx, id, fields);
    await writeCredits(tx, id, editable);
    await refreshSearch(tx, id);
    for (const season of seasons) await insertSeason(tx, id, season);
    if (type === 'series') await recount(tx, id);
    // The job row commits with the title, so followers are told about it exactly when it exists.
    await notifyNewTitle({ em: tx }, id);
    return {
      result: undefined,
      change: {
        action: 'admin.content_created',
        titleId: id,
        details: { type, title: fields.title, seasons: seasons.length },
      },
    };
  });
  return getContentView(deps.em, id);
}

/** PUT (`replace`: omitted optional fields are cleared) and PATCH (`merge`: only the fields sent change). */
export async function editContent(
  deps: Deps,
  actor: Actor,
  id: string,
  input: ContentEditInput,
  mode: 'replace' | 'merge',
): Promise<ContentView> {
  checkCast(input.cast);
  const genreIds = input.genre_ids ? await checkGenres(deps.em, input.genre_ids) : undefined;
  const effective: ContentEditInput = mode === 'replace' ? { cast: [], directors: [], ...input } : input;
  await applyChange(deps, actor, async (tx) => {
    await lockTitle(tx, id);
    const current: TitleFields = await editableFields(tx, id);
    const base = mode === 'replace' ? { title: current.title, ...EMPTY } : current;
    await writeTitle(tx, id, overlay(base, effective, genreIds ?? (mode === 'replace' ? [] : undefined)));
    await writeCredits(tx, id, effective);
    await refreshSearch(tx, id);
    return {
      result: undefined,
      change: { action: 'admin.content_updated', titleId: id, details: { mode, fields: Object.keys(input).sort() } },
    };
  });
  return getContentView(deps.em, id);
}

/**
 * Soft delete: the row stays (history, ratings and favourites keep pointing at it) but leaves every list.
 * Its title_genres rows go, because genre pages read that table alone.
 */
export async function deleteContent(deps: Deps, actor: Actor, id: string): Promise<void> {
  await applyChange(deps, actor, async (tx) => {
    const title = await lockTitle(tx, id);
    await softDeleteTitle(tx, id);
    return {
      result: undefined,
      change: { action: 'admin.content_deleted', titleId: id, details: { source: title.source } },
    };
  });
}
