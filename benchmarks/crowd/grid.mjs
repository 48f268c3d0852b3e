// The crowd's map, shared by the Colyseus server and the load client; the HeTu app's Grid.java is
// the same: SIDE × SIDE cells of CELL_SIZE units, numbered row by row (cell = row * SIDE + column).
export const SIDE = 16;
export const CELL_SIZE = 64;

const clamp = (index) => Math.max(0, Math.min(SIDE - 1, index));

export function cellOf(x, y) {
  return clamp(Math.floor(y / CELL_SIZE)) * SIDE + clamp(Math.floor(x / CELL_SIZE));
}

/**
 * The 16-cell area of interest around `cell`: the 4 × 4 block from one cell up and left of it to
 * two cells down and right, shifted inward at the map's edges so that it always holds 16 cells.
 * Returned as its four rows, each a range [low, high] of consecutive cell numbers.
 */
export function areaOfInterest(cell) {
  const first = (index) => Math.max(0, Math.min(SIDE - 4, index - 1));
  const column = first(cell % SIDE);
  const row = first(Math.floor(cell / SIDE));
  return [0, 1, 2, 3].map((r) => [(row + r) * SIDE + column, (row + r) * SIDE + column + 3]);
}

export function inArea(area, cell) {
  return area.some(([low, high]) => cell >= low && cell <= high);
}
