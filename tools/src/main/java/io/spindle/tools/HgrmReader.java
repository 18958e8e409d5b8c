package io.spindle.tools;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

/**
 * Reads an HdrHistogram percentile distribution ({@code .hgrm}: the text of
 * {@code Histogram.outputPercentileDistribution}, as {@code HistogramLogProcessor} writes it) back into a histogram.
 * <p>
 * The file has a header ({@code Value Percentile TotalCount 1/(1-Percentile)}), one row per percentile step (the
 * value reached, the percentile, the count up to it), and a footer ({@code #[Mean ...]}, {@code #[Max = ...,
 * Total count = ...]}, {@code #[Buckets ...]}); the CSV form has the header in quotes and no footer. The histogram
 * rebuilt records each row's value with the count between it and the row before, at the precision the values are
 * printed with (their decimals are the histogram's significant digits). So each row's percentile reads back as it
 * was, count and max are exact, and a percentile between two rows reads as the higher row's value: never below the
 * original, at most one row step above it.
 */
final class HgrmReader
{
    private static final Pattern TOTAL_COUNT = Pattern.compile("Total count\\s*=\\s*(\\d+)");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final int DEFAULT_SIGNIFICANT_DIGITS = 3;
    private static final int MAX_SIGNIFICANT_DIGITS = 5;

    private HgrmReader()
    {
    }

    /**
     * Whether a file is read as a percentile distribution, by its extension.
     *
     * @param file to be read.
     * @return true for {@code .hgrm}, in any case.
     */
    static boolean isHgrm(final File file)
    {
        return file.getName().toLowerCase(Locale.ROOT).endsWith(".hgrm");
    }

    /**
     * The stage a percentile distribution reports: its file name without the extension.
     *
     * @param file the distribution.
     * @return the stage name, {@code hgrm} when the name is only an extension.
     */
    static String stageName(final File file)
    {
        final String name = file.getName();
        final int dot = name.lastIndexOf('.');
        final String stem = dot < 0 ? name : name.substring(0, dot);
        return stem.isEmpty() ? "hgrm" : stem;
    }

    /**
     * Rebuild the histogram a percentile distribution was printed from.
     *
     * <p>
     * Values recorded in ns and printed unscaled are whole numbers: read as ns, a value with a fraction of a ns means
     * the file was written in another unit, and a warning says so.
     *
     * @param file      the distribution.
     * @param nsPerUnit nanoseconds in one unit of the file's values (its scaling ratio, if it was printed from ns).
     * @param warnings  where to say that the values look like another unit.
     * @return the histogram, in ns.
     * @throws IOException              when the file cannot be read.
     * @throws IllegalArgumentException when it is not a whole percentile distribution, saying where.
     */
    static Histogram read(final File file, final double nsPerUnit, final PrintWriter warnings) throws IOException
    {
        if (!file.isFile())
        {
            throw new IllegalArgumentException("no latency log at " + file);
        }

        Histogram histogram = null;
        boolean hasHeader = false;
        boolean isCsv = false;
        long footerTotalCount = -1;
        long lastTotalCount = 0;
        double lastPercentile = -1;
        long lastValueNs = -1;
        boolean hasFractionalNs = false;
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file.toPath(), StandardCharsets.UTF_8))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lineNumber++;
                final String text = line.trim();
                if (text.isEmpty())
                {
                    continue;
                }
                if (text.startsWith("#"))
                {
                    if (text.contains("OVERFLOW"))
                    {
                        throw malformed(file, lineNumber, "the histogram's counts overflowed");
                    }
                    final Matcher totalCount = TOTAL_COUNT.matcher(text);
                    if (totalCount.find())
                    {
                        footerTotalCount = Long.parseLong(totalCount.group(1));
                    }
                    continue;
                }
                if (!hasHeader)
                {
                    isCsv = text.startsWith("\"Value\"");
                    if (!isCsv && !SPACES.split(text)[0].equals("Value"))
                    {
                        throw malformed(file, lineNumber, "not a percentile distribution: expected the header " +
                            "'Value Percentile TotalCount 1/(1-Percentile)', found '" + abbreviate(text) + "'");
                    }
                    hasHeader = true;
                    continue;
                }

                final String[] fields = isCsv ? text.split(",") : SPACES.split(text);
                if (fields.length < 3)
                {
                    throw malformed(file, lineNumber, "expected Value, Percentile and TotalCount, found '" +
                        abbreviate(text) + "'");
                }
                final double value;
                final double percentile;
                final long totalCount;
                try
                {
                    value = Double.parseDouble(fields[0]);
                    percentile = Double.parseDouble(fields[1]);
                    totalCount = Long.parseLong(fields[2]);
                }
                catch (final NumberFormatException ex)
                {
                    throw malformed(file, lineNumber, "not a number in '" + abbreviate(text) + "'");
                }

                final long valueNs = Math.round(value * nsPerUnit);
                if (!(value >= 0) || Double.isInfinite(value) || valueNs == Long.MAX_VALUE)
                {
                    throw malformed(file, lineNumber, "value out of range: " + fields[0]);
                }
                if (!(percentile >= lastPercentile && percentile <= 1.0))
                {
                    throw malformed(file, lineNumber, "percentile " + fields[1] + " out of order or above 1");
                }
                if (totalCount < lastTotalCount || valueNs < lastValueNs)
                {
                    throw malformed(file, lineNumber, "value or total count lower than on the row before");
                }

                if (null == histogram)
                {
                    histogram = new Histogram(significantDigits(fields[0]));
                }
                hasFractionalNs |= 1.0 == nsPerUnit && value != Math.rint(value);
                if (totalCount > lastTotalCount)
                {
                    histogram.recordValueWithCount(valueNs, totalCount - lastTotalCount);
                }
                lastTotalCount = totalCount;
                lastPercentile = percentile;
                lastValueNs = valueNs;
            }
        }

        if (!hasHeader)
        {
            throw malformed(file, lineNumber, "not a percentile distribution: no 'Value Percentile TotalCount' header");
        }
        if (null == histogram)
        {
            if (0 != footerTotalCount && !isCsv)
            {
                throw malformed(file, lineNumber, "no rows after the header");
            }
            return new Histogram(DEFAULT_SIGNIFICANT_DIGITS);
        }
        if (hasFractionalNs)
        {
            warnings.println("spindle report: " + file + ": values with fractions of a ns: written in another " +
                "unit? Give it with --hgrm-unit (HistogramLogProcessor writes ms).");
        }
        if (lastPercentile != 1.0)
        {
            throw malformed(file, lineNumber, "the rows end at percentile " + lastPercentile +
                ", not 1: the file is cut short");
        }
        if (footerTotalCount >= 0 && footerTotalCount != lastTotalCount)
        {
            throw malformed(file, lineNumber, "the rows count " + lastTotalCount + " values, the footer " +
                footerTotalCount);
        }
        return histogram;
    }

    private static int significantDigits(final String value)
    {
        final int dot = value.indexOf('.');
        final int decimals = dot < 0 ? 0 : value.length() - dot - 1;
        return decimals >= 1 && decimals <= MAX_SIGNIFICANT_DIGITS ? decimals : DEFAULT_SIGNIFICANT_DIGITS;
    }

    private static IllegalArgumentException malformed(final File file, final int lineNumber, final String reason)
    {
        return new IllegalArgumentException(file + ": line " + lineNumber + ": " + reason);
    }

    private static String abbreviate(final String text)
    {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
