package io.hetu.samples.crowd;

/**
 * The crowd's map: {@value #SIDE} × {@value #SIDE} cells of {@value #CELL_SIZE} units, numbered row
 * by row ({@code cell = row * SIDE + column}). A 16-cell area of interest is a 4 × 4 block of cells:
 * four ranges of four consecutive cell numbers, one per row of the block.
 */
public final class Grid {

    public static final int SIDE = 16;
    public static final float CELL_SIZE = 64;

    private Grid() {}

    /** The cell that {@code (x, y)} falls in; positions off the map count as its nearest edge cell. */
    public static int cellOf(float x, float y) {
        return row(y) * SIDE + column(x);
    }

    private static int column(float x) {
        return clamp((int) Math.floor(x / CELL_SIZE));
    }

    private static int row(float y) {
        return clamp((int) Math.floor(y / CELL_SIZE));
    }

    private static int clamp(int index) {
        return Math.max(0, Math.min(SIDE - 1, index));
    }
}
