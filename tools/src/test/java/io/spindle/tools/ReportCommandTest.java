package io.spindle.tools;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
