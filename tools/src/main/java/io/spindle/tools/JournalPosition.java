package io.spindle.tools;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.spindle.journal.JournalSeek;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A place in a journal as given on the command line to {@code --from} and {@code --to}: a time, a journal index, or a
 * publisher's sequence; found in a journal by {@link JournalSeek}.
 */
final class JournalPosition
{
    /**
     * What {@code --from} and {@code --to} accept, for the commands' help.
     */
    static final String HELP = "TIME, index:N or seq:PUBLISHER:N. TIME is an ISO-8601 instant " +
        "(2026-11-26T09:30:00Z, 2026-11-26T10:30:00+01:00), a local date-time (2026-11-26T09:30:00 or " +
        "'2026-11-26 09:30:00.250'), a date (its midnight), a time of day (09:30, 09:30:00.5: on the date of the " +
        "journal's last record, today for a live journal), all in the local time zone unless they say otherwise, " +
        "epoch time with a unit (1795685400000ms, 1795685400000000000ns), or +DURATION from the journal's first " +
        "record (+90s, +1.5m, +250ms; units ns, us, ms, s, m, h).";

    private static final Pattern INDEX = Pattern.compile("index:(\\d+)");
    private static final Pattern SEQUENCE = Pattern.compile("seq:(-?\\d+):(-?\\d+)");
    private static final Pattern EPOCH = Pattern.compile("(\\d+)(ns|us|ms|s)");
    private static final Pattern RELATIVE = Pattern.compile("\\+(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");
    private static final Pattern TIME_OF_DAY = Pattern.compile("\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

    enum Kind
    {
        TIME, TIME_OF_DAY, AFTER_FIRST, INDEX, SEQUENCE
    }

    private final String text;
    private final Kind kind;
    private final long value;
    private final int publisherId;
    private final LocalTime timeOfDay;

    private JournalPosition(
        final String text, final Kind kind, final long value, final int publisherId, final LocalTime timeOfDay)
    {
        this.text = text;
        this.kind = kind;
        this.value = value;
        this.publisherId = publisherId;
        this.timeOfDay = timeOfDay;
    }

    /**
     * Parse a position.
     *
     * @param text as given.
     * @param zone for local times.
     * @return the position.
     * @throws IllegalArgumentException saying what is accepted.
     */
    static JournalPosition parse(final String text, final ZoneId zone)
    {
        final String trimmed = text.trim();
        try
        {
            Matcher matcher = INDEX.matcher(trimmed);
            if (matcher.matches())
            {
                return new JournalPosition(trimmed, Kind.INDEX, Long.parseLong(matcher.group(1)), 0, null);
            }
            matcher = SEQUENCE.matcher(trimmed);
            if (matcher.matches())
            {
                return new JournalPosition(
                    trimmed, Kind.SEQUENCE, Long.parseLong(matcher.group(2)), Integer.parseInt(matcher.group(1)), null);
            }
            matcher = EPOCH.matcher(trimmed);
            if (matcher.matches())
            {
                return new JournalPosition(
                    trimmed, Kind.TIME, toNanos(new BigDecimal(matcher.group(1)), matcher.group(2)), 0, null);
            }
            matcher = RELATIVE.matcher(trimmed);
            if (matcher.matches())
            {
                return new JournalPosition(
                    trimmed, Kind.AFTER_FIRST, toNanos(new BigDecimal(matcher.group(1)), matcher.group(2)), 0, null);
            }
            if (TIME_OF_DAY.matcher(trimmed).matches())
            {
                return new JournalPosition(trimmed, Kind.TIME_OF_DAY, 0, 0, LocalTime.parse(pad(trimmed)));
            }
            return new JournalPosition(trimmed, Kind.TIME, epochNanos(parseDateTime(trimmed, zone)), 0, null);
        }
        catch (final DateTimeException | ArithmeticException | NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not a time, index:N or seq:PUBLISHER:N; " +
                "try 2026-11-26T09:30:00Z, 09:30:00, +90s or index:42");
        }
    }

    /**
     * The kind of position.
     *
     * @return kind.
     */
    Kind kind()
    {
        return kind;
    }

    /**
     * The time in ns since the epoch, the offset from the first record in ns, the index or the sequence, by kind.
     *
     * @return the value.
     */
    long value()
    {
        return value;
    }

    /**
     * The publisher of a sequence position.
     *
     * @return publisher id.
     */
    int publisherId()
    {
        return publisherId;
    }

    /**
     * The time of a time-of-day position.
     *
     * @return the time of day.
     */
    LocalTime timeOfDay()
    {
        return timeOfDay;
    }

    /**
     * Find the first record at or after this position.
     *
     * @param seek over the journal.
     * @param zone for a time of day.
     * @return the record's index, or {@link JournalSeek#NOT_FOUND} when every record is before it.
     */
    long find(final JournalSeek seek, final ZoneId zone)
    {
        switch (kind)
        {
            case INDEX:
                return seek.atOrAfterIndex(value);
            case SEQUENCE:
                return seek.atOrAfterSequence(publisherId, value);
            case TIME:
                return seek.atOrAfterTime(value);
            case AFTER_FIRST:
            {
                final long firstTimeNs = seek.firstTimeNs();
                return Long.MIN_VALUE == firstTimeNs ? JournalSeek.NOT_FOUND : seek.atOrAfterTime(firstTimeNs + value);
            }
            default:
            {
                final long lastTimeNs = seek.lastTimeNs();
                if (Long.MIN_VALUE == lastTimeNs)
                {
                    return JournalSeek.NOT_FOUND;
                }
                final LocalDate day = LocalDate.ofInstant(instant(lastTimeNs), zone);
                return seek.atOrAfterTime(epochNanos(day.atTime(timeOfDay).atZone(zone).toInstant()));
            }
        }
    }

    public String toString()
    {
        return text;
    }

    /**
     * An instant from ns since the epoch.
     *
     * @param epochNs ns since the epoch.
     * @return the instant.
     */
    static Instant instant(final long epochNs)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L), Math.floorMod(epochNs, 1_000_000_000L));
    }

    /**
     * ns since the epoch of an instant.
     *
     * @param instant the instant.
     * @return ns since the epoch.
     */
    static long epochNanos(final Instant instant)
    {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private static Instant parseDateTime(final String text, final ZoneId zone)
    {
        final String iso = text.length() > 10 && text.charAt(10) == ' ' ?
            text.substring(0, 10) + 'T' + text.substring(11) : text;
        if (iso.length() == 10)
        {
            return LocalDate.parse(iso).atStartOfDay(zone).toInstant();
        }
        final String upper = iso.toUpperCase(Locale.ROOT);
        if (upper.endsWith("Z") || upper.lastIndexOf('+') > 10 || upper.lastIndexOf('-') > 10)
        {
            return OffsetDateTime.parse(upper).toInstant();
        }
        return LocalDateTime.parse(iso).atZone(zone).toInstant();
    }

    private static String pad(final String timeOfDay)
    {
        return timeOfDay.indexOf(':') == 1 ? "0" + timeOfDay : timeOfDay;
    }

    private static long toNanos(final BigDecimal amount, final String unit)
    {
        final long nanosPerUnit;
        switch (unit)
        {
            case "ns":
                nanosPerUnit = 1;
                break;
            case "us":
                nanosPerUnit = 1_000L;
                break;
            case "ms":
                nanosPerUnit = 1_000_000L;
                break;
            case "s":
                nanosPerUnit = 1_000_000_000L;
                break;
            case "m":
                nanosPerUnit = 60_000_000_000L;
                break;
            default:
                nanosPerUnit = 3_600_000_000_000L;
                break;
        }
        return amount.multiply(BigDecimal.valueOf(nanosPerUnit)).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * Reads a position from the command line, in the local time zone.
     */
    static final class Converter implements ITypeConverter<JournalPosition>
    {
        public JournalPosition convert(final String value)
        {
            try
            {
                return parse(value, ZoneId.systemDefault());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException(ex.getMessage());
            }
        }
    }
}
