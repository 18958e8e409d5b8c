package io.spindle.engine.ingest;

import io.spindle.engine.access.SourceAllowList;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response channel is held to what feedback needs; the expected channels and reasons are written out by hand.
 */
class ResponseChannelsTest
{
    private static final String IPC = "aeron:ipc";
    private static final String REMOTE = "10.1.2.3:40500";
    private static final int ONE_MIB = 1024 * 1024;

    private final ResponseChannels listed = new ResponseChannels(SourceAllowList.parse("10.1.2.0/24:40500"), ONE_MIB);
    private final ResponseChannels any = new ResponseChannels(SourceAllowList.parse("*"), ONE_MIB);

    @Test
    void shouldPublishOnAChannelOfItsOwnWritingWithTheSmallestTermWhenNoneIsNamed()
    {
        assertEquals("aeron:ipc?term-length=65536", listed.publicationChannel("aeron:ipc", IPC));
        assertEquals("aeron:ipc?term-length=1048576|mtu=4096",
            listed.publicationChannel("aeron:ipc?mtu=4k|term-length=1m", REMOTE));
        assertEquals("aeron:udp?endpoint=127.0.0.1:40123|term-length=131072",
            listed.publicationChannel("aeron:udp?endpoint=127.0.0.1:40123|term-length=128k", IPC));
        assertEquals("aeron:udp?endpoint=10.1.2.77:40123|term-length=65536|mtu=1408",
            listed.publicationChannel("aeron:udp?endpoint=10.1.2.77:40123|mtu=1408", REMOTE),
            "inside the allowed network, whatever port the allow-list names");
        assertEquals("aeron:udp?endpoint=10.9.9.9:40123|term-length=65536",
            any.publicationChannel("aeron:udp?endpoint=10.9.9.9:40123", "10.9.9.9:33000"),
            "any source allowed: the Connect's own address");
        assertEquals("aeron:udp?endpoint=[::1]:40123|term-length=65536",
            any.publicationChannel("aeron:udp?endpoint=[::1]:40123", IPC));
        assertNull(listed.problem());
    }

    @Test
    void shouldRefuseEverythingElseSayingWhy()
    {
        refused(listed, "aeron:udp?endpoint=10.1.2.77:40123|control=10.1.2.77:40124", REMOTE, "'control'");
        refused(listed, "aeron:udp?endpoint=10.1.2.77:40123|control-mode=dynamic", REMOTE, "'control-mode'");
        refused(listed, "aeron:ipc?alias=feedback", REMOTE, "'alias'");
        refused(listed, "aeron:ipc?endpoint=10.1.2.77:40123", REMOTE, "'endpoint'");
        refused(listed, "aeron:ipc?term-length=1g", REMOTE, "term-length '1g'");
        refused(listed, "aeron:ipc?term-length=32k", REMOTE, "term-length '32k'");
        refused(listed, "aeron:ipc?term-length=100000", REMOTE, "term-length '100000'");
        refused(listed, "aeron:ipc?mtu=1000", REMOTE, "mtu '1000'");
        refused(listed, "aeron:ipc?mtu=128k", REMOTE, "mtu '128k'");
        refused(listed, "aeron:udp?endpoint=203.0.113.7:40123", REMOTE, "outside where publishers may be");
        refused(listed, "aeron:udp?endpoint=127.0.0.1:40123", REMOTE, "outside where publishers may be");
        refused(listed, "aeron:udp?endpoint=10.1.2.77:40123", IPC, "loopback, for a Connect over IPC");
        refused(any, "aeron:udp?endpoint=10.9.9.8:40123", "10.9.9.9:33000", "the Connect's own source");
        refused(any, "aeron:udp?endpoint=10.9.9.9:40123", null, "read back from the journal");
        refused(listed, "aeron:udp?endpoint=239.255.1.1:40123", REMOTE, "not a unicast address");
        refused(any, "aeron:udp?endpoint=0.0.0.0:40123", "0.0.0.0:1", "not a unicast address");
        refused(any, "aeron:udp?endpoint=255.255.255.255:40123", "255.255.255.255:1", "not a unicast address");
        refused(listed, "aeron:udp?endpoint=feeds.example.com:40123", REMOTE, "host names are not looked up");
        refused(listed, "aeron:udp?endpoint=localhost:40123", IPC, "host names are not looked up");
        refused(listed, "aeron:udp?endpoint=10.1.2.77:0", REMOTE, "no port");
        refused(listed, "aeron:udp?endpoint=10.1.2.77", REMOTE, "not address:port");
        refused(listed, "aeron:udp?term-length=64k", REMOTE, "needs an endpoint");
        refused(listed, "aeron-spy:aeron:ipc", REMOTE, "prefix");
        refused(listed, "aeron:tcp?endpoint=10.1.2.77:40123", REMOTE, null);
        refused(listed, "udp://10.1.2.77:40123", REMOTE, "not an Aeron channel");
    }

    @Test
    void shouldKeepWhatItQuotesShortAndPrintable()
    {
        final String channel = "aeron:ipc?alias=" + "x".repeat(1000) + "\n\u0007";
        refused(listed, channel, REMOTE, "... (1018 characters)");
        assertTrue(listed.problem().length() < 400, listed.problem());
        assertEquals("'a?b'", ResponseChannels.quoted("a\nb"));
    }

    private static void refused(
        final ResponseChannels channels, final String channel, final String source, final String why)
    {
        assertNull(channels.publicationChannel(channel, source), channel);
        final String problem = channels.problem();
        assertTrue(null != problem && (null == why || problem.contains(why)), channel + ": " + problem);
    }
}
