package io.spindle.tools;

import java.time.LocalTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalPositionTest
{
    private static final long AT_0930_UTC_NS = 1_795_685_400_000_000_000L;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void shouldReadIsoInstantsWithZoneOrOffset()
    {
        assertTime(AT_0930_UTC_NS, "2026-11-26T09:30:00Z", PARIS);
        assertTime(AT_0930_UTC_NS, "2026-11-26T10:30:00+01:00", UTC);
        assertTime(AT_0930_UTC_NS, "2026-11-26t04:30:00-05:00", UTC);
        assertTime(AT_0930_UTC_NS + 123_456_789L, "2026-11-26T09:30:00.123456789Z", UTC);
    }

    @Test
    void shouldReadLocalDateTimesAndDatesInTheZoneGiven()
    {
        assertTime(AT_0930_UTC_NS + 250_000_000L, "2026-11-26T09:30:00.250", UTC);
        assertTime(AT_0930_UTC_NS, "2026-11-26 10:30:00", PARIS);
        assertTime(AT_0930_UTC_NS - 9L * 3600 * 1_000_000_000L - 30L * 60 * 1_000_000_000L, "2026-11-26", UTC);
    }

    @Test
    void shouldReadTimesOfDayForTheJournalsDay()
    {
        final JournalPosition position = JournalPosition.parse("9:30", UTC);
        assertEquals(JournalPosition.Kind.TIME_OF_DAY, position.kind());
        assertEquals(LocalTime.of(9, 30), position.timeOfDay());
        assertEquals(LocalTime.of(9, 30, 0, 500_000_000), JournalPosition.parse("09:30:00.5", UTC).timeOfDay());
    }

    @Test
    void shouldReadEpochTimesWithAUnitAndOffsetsFromTheFirstRecord()
    {
        assertTime(AT_0930_UTC_NS, "1795685400000ms", UTC);
        assertTime(AT_0930_UTC_NS, "1795685400000000000ns", UTC);
        assertTime(AT_0930_UTC_NS, "1795685400s", UTC);

        final JournalPosition afterFirst = JournalPosition.parse("+1.5m", UTC);
        assertEquals(JournalPosition.Kind.AFTER_FIRST, afterFirst.kind());
        assertEquals(90_000_000_000L, afterFirst.value());
        assertEquals(250_000_000L, JournalPosition.parse("+250ms", UTC).value());
        assertEquals(2L * 3600 * 1_000_000_000L, JournalPosition.parse("+2h", UTC).value());
    }

    @Test
    void shouldReadIndexesAndPublisherSequences()
    {
        final JournalPosition index = JournalPosition.parse("index:4398046511104", UTC);
        assertEquals(JournalPosition.Kind.INDEX, index.kind());
        assertEquals(4398046511104L, index.value());

        final JournalPosition sequence = JournalPosition.parse("seq:12:1000", UTC);
        assertEquals(JournalPosition.Kind.SEQUENCE, sequence.kind());
        assertEquals(12, sequence.publisherId());
        assertEquals(1000, sequence.value());
    }

    @Test
    void shouldSayWhatIsAcceptedWhenItCannotRead()
    {
        for (final String bad : new String[]{ "yesterday", "25:00", "2026-13-01T00:00:00Z", "index:x", "+5 days" })
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> JournalPosition.parse(bad, UTC), bad);
            assertTrue(ex.getMessage().contains("is not a time, index:N or seq:PUBLISHER:N"), ex.getMessage());
        }
    }

    private static void assertTime(final long expectedNs, final String text, final ZoneId zone)
    {
        final JournalPosition position = JournalPosition.parse(text, zone);
        assertEquals(JournalPosition.Kind.TIME, position.kind(), text);
        assertEquals(expectedNs, position.value(), text);
    }
}
