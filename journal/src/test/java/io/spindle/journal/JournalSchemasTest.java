package io.spindle.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.co.real_logic.sbe.ir.Ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal carries the schemas it was written with: each definition read back byte for byte, and the one in force
 * for each record is the last of its schema id before it.
 */
class JournalSchemasTest
{
    private static final long BLOCK_SIZE = 1L << 20;
    private static final String REFERENCE = Schemas.CLASSPATH_PREFIX + "schemas/spindle-feed.xml";

    @TempDir
    Path dir;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);

    @Test
    void shouldReadEachDefinitionBackAndTellWhichIsInForceForEachRecord() throws Exception
    {
        final byte[] v2 = Schemas.read(REFERENCE);
        final byte[] v3 = new String(v2, StandardCharsets.UTF_8)
            .replaceFirst("version=\"2\"", "version=\"3\"").getBytes(StandardCharsets.UTF_8);
        final List<Long> messages = new ArrayList<>();
        final long first;
        final long second;
        try (JournalWriter writer = new JournalWriter(dir, TestRollCycles.TEST_DAILY, BLOCK_SIZE))
        {
            messages.add(append(writer, 101));
            first = writer.appendSchemaDefinition(1L, 101, 2, REFERENCE, v2);
            messages.add(append(writer, 101));
            messages.add(append(writer, 101));
            second = writer.appendSchemaDefinition(2L, 101, 3, "/etc/feeds/feed-v3.xml", v3);
            messages.add(append(writer, 101));
            messages.add(append(writer, 7));
        }

        final JournalSchemas schemas = JournalSchemas.read(dir);
        assertEquals(2, schemas.definitions().size());
        final JournalSchemas.Definition v2Definition = schemas.definitions().get(0);
        final JournalSchemas.Definition v3Definition = schemas.definitions().get(1);
        assertEquals(first, v2Definition.index());
        assertEquals(second, v3Definition.index());
        assertArrayEquals(v2, v2Definition.xml());
        assertArrayEquals(v3, v3Definition.xml());
        assertEquals(REFERENCE, v2Definition.location());
        assertEquals("/etc/feeds/feed-v3.xml", v3Definition.location());
        assertEquals(2, v2Definition.version());
        assertEquals(3, v3Definition.version());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(v3), v3Definition.sha256());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v2)),
            v2Definition.sha256Hex());
        assertTrue(v2Definition.isDigestValid());
        assertTrue(v2Definition.hasSha256(Schemas.sha256(v2)));
        assertFalse(v2Definition.hasSha256(Schemas.sha256(v3)), "the same id and length, another XML");

        final Ir ir = v3Definition.ir();
        assertEquals(101, ir.id());
        assertEquals(3, ir.version());
        assertSame(ir, v3Definition.ir(), "parsed once");

        assertNull(schemas.inForce(messages.get(0), 101), "before the first definition");
        assertSame(v2Definition, schemas.first(101), "what a reader falls back on for the records before it");
        assertSame(v2Definition, schemas.inForce(messages.get(1), 101));
        assertSame(v2Definition, schemas.inForce(messages.get(2), 101));
        assertSame(v3Definition, schemas.inForce(messages.get(3), 101));
        assertNull(schemas.inForce(messages.get(4), 7), "no definition of that schema id");
        assertSame(v3Definition, schemas.latest());
        assertSame(v3Definition, schemas.latest(101));
        assertNull(schemas.latest(7));
    }

    @Test
    void shouldRefuseASchemaLongerThanADocumentAndWriteNothing()
    {
        try (JournalWriter writer = new JournalWriter(dir, TestRollCycles.TEST_DAILY, BLOCK_SIZE))
        {
            final byte[] huge = new byte[writer.maxMessageLength()];
            assertEquals(JournalWriter.UNJOURNALLABLE, writer.appendSchemaDefinition(1L, 101, 2, REFERENCE, huge));
            assertEquals(JournalWriter.UNJOURNALLABLE,
                writer.appendSchemaDefinition(1L, 70_000, 2, REFERENCE, Schemas.read(REFERENCE)), "id beyond uint16");
            assertEquals(-1, writer.lastIndex(), "nothing written");
            append(writer, 101);
        }
        assertTrue(JournalSchemas.read(dir).definitions().isEmpty());
    }

    private long append(final JournalWriter writer, final int schemaId)
    {
        return writer.appendMessage(0L, 1, 2, 64, schemaId, 1, 2, message, 0, message.capacity());
    }
}
