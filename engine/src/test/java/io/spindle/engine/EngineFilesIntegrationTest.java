package io.spindle.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.spindle.journal.OwnerOnly;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a running engine leaves open to other users of the machine: its files, and its network ports.
 */
class EngineFilesIntegrationTest
{
    private static final String TCP_LISTEN = "0A";

    @TempDir
    Path tempDir;

    @Test
    void shouldCreateEngineFilesReadableByTheOperatorOnly() throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path dir = tempDir.resolve("engine");
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            assertEquals("rwx------", permissions(dir), "engine directory");
            assertEquals("rw-------", permissions(dir.resolve(CountersFile.FILENAME)));
            assertEquals("rw-------", permissions(dir.resolve(ErrorLogFile.FILENAME)));
            assertEquals("rw-------", permissions(dir.resolve(SpindleEngine.Context.LOCK_FILENAME)));
            assertEquals("rw-------", permissions(dir.resolve(HousekeepingAgent.LATENCY_LOG_FILENAME)));
            assertEquals("rwx------", permissions(Path.of(engine.context().journalDir())), "journal");
            assertEquals("rwx------", permissions(Path.of(engine.context().rejectJournalDir())), "reject journal");
        }
    }

    @Test
    void shouldKeepCountersAndErrorLogOwnerOnlyWhenTheyReplaceOlderFiles() throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        Files.createDirectories(tempDir);
        for (final String name : new String[]{ CountersFile.FILENAME, ErrorLogFile.FILENAME })
        {
            Files.writeString(tempDir.resolve(name), "left by an older engine");
            Files.setPosixFilePermissions(tempDir.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (SpindleEngine ignored = SpindleEngine.launch(TestEngines.context(tempDir)))
        {
            assertEquals("rw-------", permissions(tempDir.resolve(CountersFile.FILENAME)));
            assertEquals("rw-------", permissions(tempDir.resolve(ErrorLogFile.FILENAME)));
        }
    }

    @Test
    void shouldListenOnNoNetworkPortWhenIngestingOverIpc() throws IOException
    {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp")), "no /proc/net here: cannot list sockets");
        final Set<String> before = listeningSockets();
        try (SpindleEngine ignored = SpindleEngine.launch(TestEngines.context(tempDir)))
        {
            final Set<String> during = listeningSockets();
            during.removeAll(before);
            assertEquals(Set.of(), during, "sockets the engine opened over IPC");
        }
    }

    @Test
    void shouldListenOnlyOnTheConfiguredUdpEndpoint() throws IOException
    {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/udp")), "no /proc/net here: cannot list sockets");
        final Set<String> before = listeningSockets();
        final String channel = "aeron:udp?endpoint=127.0.0.1:24361";
        try (SpindleEngine ignored = SpindleEngine.launch(TestEngines.context(tempDir).channel(channel)))
        {
            final Set<String> during = listeningSockets();
            during.removeAll(before);
            assertEquals(Set.of("udp 127.0.0.1:24361"), during, "sockets the engine opened for " + channel);
        }
    }

    private static String permissions(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /**
     * The sockets of this process that take connections or datagrams: TCP sockets in LISTEN, and every bound UDP
     * socket, from {@code /proc/self/net} matched to this process's file descriptors by inode.
     */
    private static Set<String> listeningSockets() throws IOException
    {
        final Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd")))
        {
            for (final Path fd : (Iterable<Path>)fds::iterator)
            {
                try
                {
                    final String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:["))
                    {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                }
                catch (final IOException ex)
                {
                    // The descriptor closed while listing: not a socket we need.
                }
            }
        }

        final Set<String> sockets = new HashSet<>();
        for (final String table : new String[]{ "tcp", "tcp6", "udp", "udp6" })
        {
            final Path file = Path.of("/proc/self/net", table);
            if (!Files.isReadable(file))
            {
                continue;
            }
            final List<String> lines = new ArrayList<>(Files.readAllLines(file));
            for (final String line : lines.subList(1, lines.size()))
            {
                final String[] fields = line.trim().split("\\s+");
                final boolean isTcp = table.startsWith("tcp");
                if (inodes.contains(fields[9]) && (!isTcp || TCP_LISTEN.equals(fields[3])))
                {
                    sockets.add((isTcp ? "tcp " : "udp ") + address(fields[1]));
                }
            }
        }
        return sockets;
    }

    private static String address(final String hex)
    {
        final String[] parts = hex.split(":");
        final int port = Integer.parseInt(parts[1], 16);
        if (parts[0].length() == 8)
        {
            final long ip = Long.parseLong(parts[0], 16);
            return (ip & 0xFF) + "." + ((ip >> 8) & 0xFF) + "." + ((ip >> 16) & 0xFF) + "." + ((ip >> 24) & 0xFF) +
                ":" + port;
        }
        return "[" + parts[0] + "]:" + port;
    }

    @Test
    void shouldReadLoopbackAddressesFromProcNet()
    {
        assertEquals("127.0.0.1:24361", address("0100007F:5F29"));
        assertTrue(address("00000000000000000000000001000000:0050").endsWith(":80"));
    }
}
