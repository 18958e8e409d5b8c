package io.spindle.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A journal file sync for engine tests: forces files for real, fails every force while told to (as a disk that
 * reports write errors would), and remembers what it forced and the synced index as it stood at each force.
 */
final class TestFileSync implements JournalSyncAgent.FileSync
{
    /**
     * A file forced, and the synced index as it stood then.
     */
    record Forced(String name, long syncedIndexBefore)
    {
    }

    final List<Forced> forced = new CopyOnWriteArrayList<>();
    final AtomicInteger failures = new AtomicInteger();
    private final LongSupplier syncedIndex;
    private volatile boolean isFailing;

    /**
     * @param syncedIndex reads the engine's synced index, noted at each force.
     */
    TestFileSync(final LongSupplier syncedIndex)
    {
        this.syncedIndex = syncedIndex;
    }

    TestFileSync failing(final boolean isFailing)
    {
        this.isFailing = isFailing;
        return this;
    }

    public void force(final Path file, final FileChannel channel, final boolean isMetaData) throws IOException
    {
        if (isFailing)
        {
            failures.incrementAndGet();
            throw new IOException("injected: Input/output error");
        }
        channel.force(isMetaData);
        forced.add(new Forced(file.getFileName().toString(), syncedIndex.getAsLong()));
    }
}
