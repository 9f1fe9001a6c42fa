/**
 * @deprecated Transitional: the sync configuration lives in `./syncConfig`. This re-export keeps the sync worker's
 * modules compiling until their imports point there; then delete this file.
 */
export type { SyncConfig } from './syncConfig';
