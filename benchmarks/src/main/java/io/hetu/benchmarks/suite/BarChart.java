package io.hetu.benchmarks.suite;

import java.util.List;
import java.util.Locale;

/** A horizontal bar chart as a standalone SVG document: one labelled bar per value, scaled to the largest. */
final class BarChart {

    /** One bar; {@code group} picks its colour. */
    record Bar(String label, double value, int group) {}

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#9c755f"};
    private static final int LABEL_WIDTH = 230;
    private static final int BAR_AREA = 420;
    private static final int ROW = 26;
    private static final int TOP = 40;

    private BarChart() {}

    static String svg(String title, String unit, List<Bar> bars, List<String> legend) {
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        int width = LABEL_WIDTH + BAR_AREA + 120;
        int height = TOP + bars.size() * ROW + 20 + 20 * legend.size();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "  <rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "  <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s"
                + "</text>%n", escape(title)));
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = TOP + i * ROW;
            double length = max <= 0 ? 0 : bar.value() / max * BAR_AREA;
            svg.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 8, y + 15, escape(bar.label())));
            svg.append(String.format(Locale.ROOT, "  <rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" "
                    + "fill=\"%s\"/>%n", LABEL_WIDTH, y + 2, length, COLOURS[bar.group() % COLOURS.length]));
            svg.append(String.format(Locale.ROOT, "  <text x=\"%.1f\" y=\"%d\">%,.0f %s</text>%n",
                    LABEL_WIDTH + length + 6, y + 15, bar.value(), escape(unit)));
        }
        for (int i = 0; i < legend.size(); i++) {
            int y = TOP + bars.size() * ROW + 12 + 20 * i;
            svg.append(String.format(Locale.ROOT, "  <rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "%n", LABEL_WIDTH, y, COLOURS[i % COLOURS.length]));
            svg.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\">%s</text>%n", LABEL_WIDTH + 18, y + 11,
                    escape(legend.get(i))));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
