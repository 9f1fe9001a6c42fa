import type { ExclusionOverrides } from '../../engine/ports';
import { StoreError } from '../store/StoreError';
import { exclusionsKey, inclusionsKey } from './keys';
import type { ShardedRedis } from './ShardedRedis';

/** The activity categories excluded and included again at run time, each sorted. */
export async function getExclusions(r: ShardedRedis): Promise<ExclusionOverrides> {
    r.assertOpen();
    const prefix = r.settings.keyPrefix;
    const [excluded, included] = await r.call('getExclusions', () =>
        Promise.all([r.redis.smembers(exclusionsKey(prefix)), r.redis.smembers(inclusionsKey(prefix))])
    );
    return { excluded: excluded.sort(), included: included.sort() };
}

/** Excludes a category (or includes it again): moves it between the two sets in one MULTI. */
export async function setExclusion(r: ShardedRedis, category: string, excluded: boolean): Promise<void> {
    r.assertOpen();
    if (typeof category !== 'string' || category.length === 0) {
        throw new StoreError('STORE_INVALID_ARGUMENT', 'setExclusion: category must be a non-empty string');
    }
    const prefix = r.settings.keyPrefix;
    const [add, remove] = excluded
        ? [exclusionsKey(prefix), inclusionsKey(prefix)]
        : [inclusionsKey(prefix), exclusionsKey(prefix)];
    await r.call('setExclusion', () => r.redis.multi().sadd(add, category).srem(remove, category).exec());
}
