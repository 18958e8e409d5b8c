package io.spindle.engine;

import io.spindle.engine.access.PublisherAllowList;
import io.spindle.engine.access.SourceAllowList;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceAllowListTest
{
    @Test
    void shouldMatchAddressesNetworksAndPorts()
    {
        final SourceAllowList list = SourceAllowList.parse("10.1.2.0/24, 192.168.0.7:40500, fd00::/8, [::1]:40600");
        assertTrue(list.allows("10.1.2.200:5555"));
        assertFalse(list.allows("10.1.3.1:5555"));
        assertTrue(list.allows("192.168.0.7:40500"));
        assertFalse(list.allows("192.168.0.7:40501"), "another port of an allowed host");
        assertTrue(list.allows("fd12:3456::1:7000"));
        assertFalse(list.allows("fe80::1:7000"));
        assertTrue(list.allows("0:0:0:0:0:0:0:1:40600"), "Aeron's form of an IPv6 source");
        assertFalse(list.allows("0:0:0:0:0:0:0:1:40601"));
        assertTrue(list.allows("aeron:ipc"), "IPC is local");
        assertFalse(list.allows("garbage"));
        assertFalse(list.isAny());
    }

    @Test
    void shouldDefaultToLoopbackOnlyForALoopbackChannel()
    {
        assertEquals(SourceAllowList.LOOPBACK, SourceAllowList.defaultFor("aeron:udp?endpoint=localhost:40123"));
        assertEquals(SourceAllowList.LOOPBACK,
            SourceAllowList.defaultFor("aeron:udp?endpoint=239.255.90.1:24327|interface=127.0.0.1"));
        assertEquals(SourceAllowList.ANY, SourceAllowList.defaultFor("aeron:ipc"));
        final SourceAllowList loopback = SourceAllowList.parse(SourceAllowList.LOOPBACK);
        assertTrue(loopback.allows("127.0.0.1:33333"));
        assertTrue(loopback.allows("127.0.0.2:33333"));
        assertFalse(loopback.allows("10.0.0.1:33333"));
        assertThrows(IllegalArgumentException.class,
            () -> SourceAllowList.defaultFor("aeron:udp?endpoint=0.0.0.0:40123"));
        assertThrows(IllegalArgumentException.class,
            () -> SourceAllowList.defaultFor("aeron:udp?endpoint=239.255.90.1:24327"));
    }

    @Test
    void shouldAllowAnySourceWithAStar()
    {
        assertTrue(SourceAllowList.parse("*").isAny());
        assertTrue(SourceAllowList.parse("*").allows("203.0.113.9:1"));
    }

    @Test
    void shouldMatchPublisherIdsAndRanges()
    {
        final PublisherAllowList list = PublisherAllowList.parse("1, 10-19");
        assertTrue(list.allows(1));
        assertTrue(list.allows(10));
        assertTrue(list.allows(19));
        assertFalse(list.allows(2));
        assertFalse(list.allows(20));
        assertFalse(list.allows(-1));
        assertTrue(PublisherAllowList.parse("*").isAny());
    }
}
