/** A chart axis's domain: the data's [min, max], or a given one when there is no data (d3's extent gives undefineds). */
import { extent } from 'd3';

export function domainOf(values: Iterable<number>, empty: [number, number]): [number, number] {
  const [lo, hi] = extent(values);
  return lo === undefined || hi === undefined ? empty : [lo, hi];
}
