package io.spindle.tools;

import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReportKnownPercentilesPerStageAndFile() throws Exception
    {
        final File first = writeLog("first.hlog", 1);
        final File second = writeLog("second.hlog", 10);

        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), "report", "--json",
            first.toString(), second.toString()), err.toString());

        final String json = out.toString();
        assertTrue(json.contains("{\"stage\":\"send-journalled\",\"count\":1000,\"p50\":500223,\"p90\":900095," +
            "\"p99\":990207,\"p99_9\":999423,\"p99_99\":1000447,\"max\":1000447}"), json);
        assertTrue(json.contains("{\"stage\":\"send-journalled\",\"count\":1000,\"p50\":5001215,"), json);
        assertTrue(json.contains("{\"stage\":\"send-received\",\"count\":2,\"p50\":7,"), json);

        final StringWriter table = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(table), new PrintWriter(err), "report", first.toString()));
        assertTrue(table.toString().matches(
            "(?s).*send-journalled +1,000 +500,223 +900,095 +990,207 +999,423 +1,000,447 +1,000,447.*"),
            table.toString());
    }

    @Test
    void shouldDrawChartsAsPngSvgAndOneHtmlPage() throws Exception
    {
        final File first = writeLog("first.hlog", 1);
        final File second = writeLog("second.hlog", 10);
        final File plots = dir.resolve("plots").toFile();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), "report", "--plot",
            plots.toString(), first.toString(), second.toString()), err.toString());

        for (final String name : new String[]{ "percentiles", "over-time" })
        {
            final java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(new File(plots, name + ".png"));
            assertEquals(LatencyCharts.WIDTH, png.getWidth());
            assertEquals(LatencyCharts.HEIGHT, png.getHeight());
            assertTrue(distinctColours(png) > 5, name + ".png has something drawn on it");

            final javax.xml.parsers.DocumentBuilderFactory factory =
                javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            final org.w3c.dom.Document svg = factory.newDocumentBuilder().parse(new File(plots, name + ".svg"));
            assertEquals("svg", svg.getDocumentElement().getNodeName());
            assertTrue(svg.getElementsByTagName("*").getLength() > 50, name + ".svg has more than a frame");
        }

        final String html = java.nio.file.Files.readString(new File(plots, "report.html").toPath());
        assertTrue(html.contains("send-journalled") && html.contains("500,223"), "the table is in the page");
        assertEquals(2, html.split("<svg", -1).length - 1, "both charts are inline");
        assertTrue(out.toString().contains("wrote " + new File(plots, "report.html")), out.toString());
    }

    private static int distinctColours(final java.awt.image.BufferedImage image)
    {
        final java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 7)
        {
            for (int y = 0; y < image.getHeight(); y += 7)
            {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    @Test
    void shouldLogTheMachinesStallsSoThatReportReadsThemBack()
    {
        final File hlog = dir.resolve("jitter.hlog").toFile();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), "jitter", "--duration", "0.3",
            "--threshold-us", "1", "--hlog", hlog.toString()), err.toString());
        final java.util.regex.Matcher stalls =
            java.util.regex.Pattern.compile("stalled ([0-9,]+) times").matcher(out.toString());
        assertTrue(stalls.find(), out.toString());

        final StringWriter report = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(report), new PrintWriter(err), "report", "--json",
            hlog.toString()));
        assertTrue(report.toString().contains(
            "{\"stage\":\"jitter\",\"count\":" + stalls.group(1).replace(",", "") + ","), report.toString());
    }

    @Test
    void shouldSayWhenThereIsNoLog()
    {
        final StringWriter err = new StringWriter();
        assertEquals(1, SpindleTool.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "report",
            "--dir", dir.toString()));
        assertTrue(err.toString().contains("no latency log at"), err.toString());
    }

    @Test
    void shouldReportAnHgrmWithTheOriginalHistogramsPercentiles() throws Exception
    {
        final Histogram original = latencies();
        final File hgrm = writeHgrm("send-journalled.hgrm", original, 1.0, false);

        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), "report", "--json",
            hgrm.toString()), err.toString());
        assertMatchesOriginal(original, out.toString(), "send-journalled", 0);

        final StringWriter table = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(table), new PrintWriter(err), "report", hgrm.toString()));
        assertTrue(table.toString().matches("(?s).*send-journalled +" + String.format("%,d", original.getTotalCount()) +
            " +" + String.format("%,d", original.getValueAtPercentile(50)) + " .* " +
            String.format("%,d", original.getMaxValue()) + "\\s*"), table.toString());
        assertTrue(table.toString().contains("values read as ns"), table.toString());
        assertEquals("", err.toString(), "no warning for a distribution written in ns");
    }

    @Test
    void shouldConvertHgrmValuesFromTheUnitTheyWereWrittenIn() throws Exception
    {
        final Histogram original = latencies();
        final File micros = writeHgrm("micros.hgrm", original, 1_000.0, false);
        final File millisCsv = writeHgrm("millis.hgrm", original, 1_000_000.0, true);

        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), "report", "--json",
            "--hgrm-unit", "us", micros.toString()), err.toString());
        assertMatchesOriginal(original, out.toString(), "micros", 0);

        final StringWriter csvOut = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(csvOut), new PrintWriter(err), "report", "--json",
            "--hgrm-unit", "ms", millisCsv.toString()), err.toString());
        // In ms with three decimals the values are rounded to 1 us, coarser than some buckets: 0.1% either way.
        assertMatchesOriginal(original, csvOut.toString(), "millis", 0.001);

        final StringWriter misread = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(misread), new PrintWriter(err), "report", "--json",
            micros.toString()), err.toString());
        final Matcher max = Pattern.compile("\"max\":(\\d+)").matcher(misread.toString());
        assertTrue(max.find(), misread.toString());
        assertEquals(original.getMaxValue() / 1000.0, Long.parseLong(max.group(1)), original.getMaxValue() / 1e5,
            "taken as ns, the values are a thousand times smaller");
        assertTrue(err.toString().contains(micros + ": values with fractions of a ns"), err.toString());

        assertEquals(2, SpindleTool.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "report",
            "--hgrm-unit", "minutes", micros.toString()));
        assertTrue(err.toString().contains("--hgrm-unit must be ns, us, ms or s"), err.toString());
    }

    @Test
    void shouldFailClearlyOnAMalformedHgrm() throws Exception
    {
        final File notOne = dir.resolve("notes.hgrm").toFile();
        Files.writeString(notOne.toPath(), "p50 was fine\np99 was not\n");
        assertFailure(notOne, "notes.hgrm: line 1: not a percentile distribution");

        final String whole = Files.readString(writeHgrm("whole.hgrm", latencies(), 1.0, false).toPath());
        final File cutShort = dir.resolve("cut.hgrm").toFile();
        Files.writeString(cutShort.toPath(), whole.substring(0, whole.lastIndexOf('\n', whole.length() / 2) + 1));
        assertFailure(cutShort, "the file is cut short");

        final File garbled = dir.resolve("garbled.hgrm").toFile();
        Files.writeString(garbled.toPath(), whole.replaceFirst("0\\.500000000000", "half"));
        assertFailure(garbled, "not a number");

        final File miscounted = dir.resolve("miscounted.hgrm").toFile();
        Files.writeString(miscounted.toPath(), whole.replaceFirst("Total count    = +", "Total count = 7"));
        assertFailure(miscounted, "the footer 7");
    }

    @Test
    void shouldPlotAnHgrmByPercentileOnlyAndBesideAnHlogOverTime() throws Exception
    {
        final File hgrm = writeHgrm("run.hgrm", latencies(), 1.0, false);
        final File onlyHgrm = dir.resolve("only-hgrm").toFile();
        final StringWriter err = new StringWriter();
        assertEquals(0, SpindleTool.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "report",
            "--plot", onlyHgrm.toString(), hgrm.toString()), err.toString());
        assertTrue(new File(onlyHgrm, "percentiles.png").isFile() && new File(onlyHgrm, "percentiles.svg").isFile());
        assertFalse(new File(onlyHgrm, "over-time.png").exists(), "no intervals, no chart over time");
        final String page = Files.readString(new File(onlyHgrm, "report.html").toPath());
        assertEquals(1, page.split("<svg", -1).length - 1, page);
        assertTrue(page.contains("No intervals"), page);

        final File mixed = dir.resolve("mixed").toFile();
        assertEquals(0, SpindleTool.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "report",
            "--plot", mixed.toString(), writeLog("first.hlog", 1).toString(), hgrm.toString()), err.toString());
        for (final String name : new String[]{ "percentiles.png", "percentiles.svg", "over-time.png", "over-time.svg" })
        {
            assertTrue(new File(mixed, name).isFile(), name);
        }
        assertEquals(2, Files.readString(new File(mixed, "report.html").toPath()).split("<svg", -1).length - 1);
    }

    private void assertFailure(final File hgrm, final String message)
    {
        final StringWriter err = new StringWriter();
        assertEquals(1, SpindleTool.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "report",
            hgrm.toString()), err.toString());
        assertTrue(err.toString().startsWith("spindle report: " + hgrm) && err.toString().contains(message),
            err.toString());
    }

    /**
     * Ten thousand values of 1 to 10,000 us and a tail of ten at 20 ms, as the engine records them, in ns.
     */
    private static Histogram latencies()
    {
        final Histogram histogram = new Histogram(3);
        for (long us = 1; us <= 10_000; us++)
        {
            histogram.recordValue(us * 1_000 + 17);
        }
        histogram.recordValueWithCount(20_000_000, 10);
        return histogram;
    }

    private static void assertMatchesOriginal(
        final Histogram original, final String json, final String stage, final double tolerance)
    {
        final Matcher row = Pattern.compile("\\{\"stage\":\"" + stage + "\",\"count\":(\\d+),\"p50\":(\\d+)," +
            "\"p90\":\\d+,\"p99\":(\\d+),\"p99_9\":\\d+,\"p99_99\":\\d+,\"max\":(\\d+)}").matcher(json);
        assertTrue(row.find(), json);
        assertEquals(original.getTotalCount(), Long.parseLong(row.group(1)), json);
        final long p50 = original.getValueAtPercentile(50);
        assertEquals(p50, Long.parseLong(row.group(2)), p50 * tolerance, json);
        assertEquals(original.getMaxValue(), Long.parseLong(row.group(4)), original.getMaxValue() * tolerance, json);

        // p99 falls between two rows of the file (at 98.91% and 99.06%) and reads as the higher: not below the
        // original's p99, not above its value at the next row.
        final long p99 = Long.parseLong(row.group(3));
        final long lowest = original.getValueAtPercentile(99);
        final long highest = original.getValueAtPercentile(99.0625);
        assertTrue(lowest < highest, "the test's values put p99 between two rows");
        assertTrue(p99 >= lowest * (1 - tolerance) && p99 <= highest * (1 + tolerance),
            p99 + " not in " + lowest + ".." + highest);
    }

    private File writeHgrm(final String name, final Histogram histogram, final double scalingRatio,
        final boolean isCsv) throws Exception
    {
        final File file = dir.resolve(name).toFile();
        try (PrintStream out = new PrintStream(file, StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(out, 5, scalingRatio, isCsv);
        }
        return file;
    }

    private File writeLog(final String name, final long scale) throws Exception
    {
        final File file = dir.resolve(name).toFile();
        final HistogramLogWriter writer = new HistogramLogWriter(file);
        writer.outputLogFormatVersion();
        writer.outputLegend();
        for (int interval = 0; interval < 2; interval++)
        {
            final Histogram endToEnd = new Histogram(3);
            for (long v = 1 + interval * 500L; v <= 500 + interval * 500L; v++)
            {
                endToEnd.recordValue(v * 1000 * scale);
            }
            endToEnd.setTag("send-journalled");
            endToEnd.setStartTimeStamp(interval * 1000L);
            endToEnd.setEndTimeStamp(interval * 1000L + 1000);
            writer.outputIntervalHistogram(endToEnd);

            final Histogram received = new Histogram(3);
            received.recordValue(7);
            received.setTag("send-received");
            writer.outputIntervalHistogram(received);
        }
        writer.close();
        return file;
    }
}
