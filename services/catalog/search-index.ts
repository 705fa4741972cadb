// Keeps titles.search_vector current (title and original title, cast and directors, genre names); the
// vector itself is built by repositories/title-store.ts.
export { refreshSearchVectors } from '../../repositories/title-store.ts';
