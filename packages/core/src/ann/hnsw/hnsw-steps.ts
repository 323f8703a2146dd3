/**
 * Steps shared by the walk (hnsw-search-layer.ts), sequential insert
 * (hnsw-insert.ts) and the parallel build's threads (hnsw-build-thread.ts),
 * on int32 / float32 views of kernel memory; every position is an element
 * index into those views.
 */

/**
 * Writes the neighbours of the node whose link list starts at `links[at]`
 * (count, then ids) that are not yet marked with `tag` at `visitedAt + id`
 * into `i32[idsAt …]`, marking them; returns how many.
 */
export function collectUnvisited(links: Int32Array, at: number, i32: Int32Array, visitedAt: number, tag: number, idsAt: number): number {
  const degree = links[at];
  let fresh = 0;
  for (let j = 1; j <= degree; j++) {
    const neighbour = links[at + j];
    if (i32[visitedAt + neighbour] === tag) continue;
    i32[visitedAt + neighbour] = tag;
    i32[idsAt + fresh++] = neighbour;
  }
  return fresh;
}

/**
 * Sorts `count` candidates — ids at `i32[idsAt …]`, distances at
 * `f32[distancesAt …]` — ascending by distance (stable) into
 * `i32[sortedIdsAt …]` / `f32[sortedDistancesAt …]`. Insertion sort: count
 * is at most 2·M + 1, a link list plus the one being added.
 */
export function sortByDistance(
  i32: Int32Array,
  f32: Float32Array,
  count: number,
  idsAt: number,
  distancesAt: number,
  sortedIdsAt: number,
  sortedDistancesAt: number,
): void {
  for (let j = 0; j < count; j++) {
    const id = i32[idsAt + j];
    const d = f32[distancesAt + j];
    let k = j;
    while (k > 0 && f32[sortedDistancesAt + k - 1] > d) {
      f32[sortedDistancesAt + k] = f32[sortedDistancesAt + k - 1];
      i32[sortedIdsAt + k] = i32[sortedIdsAt + k - 1];
      k--;
    }
    f32[sortedDistancesAt + k] = d;
    i32[sortedIdsAt + k] = id;
  }
}
