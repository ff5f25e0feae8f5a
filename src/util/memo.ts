/**
 * `map`'s value for `key`, computed by `compute` the first time; the map is emptied when it already holds `max`
 * entries (a bound, not an LRU: what is hot comes back at once).
 */
export function remembered<V>(map: Map<string, V>, key: string, max: number, compute: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = compute();
    if (map.size >= max) map.clear();
    map.set(key, v);
  }
  return v;
}
