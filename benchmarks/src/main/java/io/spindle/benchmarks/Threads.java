package io.spindle.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Threads by name, their allocation, and the JVM's collection count, for the comparisons.
 */
final class Threads
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private Threads()
    {
    }

    /**
     * The id of the live thread with this name.
     *
     * @param name of the thread.
     * @return its id.
     * @throws IllegalStateException when there is none.
     */
    static long idOf(final String name)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (name.equals(thread.getName()))
            {
                return thread.getId();
            }
        }
        throw new IllegalStateException("no thread named " + name + " in " + Thread.getAllStackTraces().keySet());
    }

    /**
     * Bytes a thread has allocated since it started.
     *
     * @param threadId of the thread.
     * @return bytes.
     */
    static long allocated(final long threadId)
    {
        return THREADS.getThreadAllocatedBytes(threadId);
    }

    /**
     * Collections the JVM has run, all collectors together.
     *
     * @return the count.
     */
    static long collections()
    {
        long count = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }
}
