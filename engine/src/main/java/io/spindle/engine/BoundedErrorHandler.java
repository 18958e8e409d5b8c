package io.spindle.engine;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Objects;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.errors.DistinctErrorLog;

/**
 * Records errors in the engine's distinct error log so that no input can fill it with text of its choosing.
 * <p>
 * Errors about input carry values from it (a source address, a channel a publisher sent), and Agrona's distinct error
 * log keeps every different message once: a publisher that varies those values could fill the log, and then every
 * further error would be printed on standard error from the thread that met it. So, before an error is recorded:
 * <ul>
 *     <li>its messages are cut to {@link #MAX_MESSAGE_LENGTH} characters, its stack to {@link #MAX_FRAMES} frames and
 *     its chain of causes to {@link #MAX_CAUSES} (the recorded error then names the original class in its
 *     message);</li>
 *     <li>errors are grouped by kind, their class and the place they were made (the first frame): a kind keeps
 *     {@link #MAX_ENTRIES_PER_KIND} distinct entries, and the errors of that kind that would make yet another are
 *     counted in one entry that says so; at most {@link #MAX_KINDS} kinds are kept, the rest counted together. An
 *     entry is distinct as the log tells them apart: by the message and stack of the error and of each of its causes,
 *     so that an error whose message stays the same while its causes vary is held to the same bound.</li>
 * </ul>
 * Every error is counted once in the log (the observation counts add up to the errors reported, until the log is
 * full). When the log is full, one line says so on standard error, once; errors are still counted in
 * {@link SpindleCounter#ERRORS} by the handler in front of this one.
 * <p>
 * Thread safe: errors come from the ingest, housekeeping and media driver threads. Allocates for the error given (its
 * stack is read), never in steady state, since errors are not. After {@link #close()}, errors go to standard error
 * only, cut the same way, for the log's memory may be unmapped.
 */
final class BoundedErrorHandler implements ErrorHandler, AutoCloseable
{
    /**
     * Longest message recorded, in characters; longer ones are cut.
     */
    static final int MAX_MESSAGE_LENGTH = 256;

    /**
     * Most stack frames recorded per error or cause.
     */
    static final int MAX_FRAMES = 32;

    /**
     * Most causes recorded after an error.
     */
    static final int MAX_CAUSES = 4;

    /**
     * Distinct entries kept per kind of error: errors that differ in message or stack, or in those of a cause.
     */
    static final int MAX_ENTRIES_PER_KIND = 8;

    /**
     * Kinds of error kept apart; errors of further kinds are counted together.
     */
    static final int MAX_KINDS = 64;

    private final DistinctErrorLog log;
    private final PrintStream stderr;
    private final String logName;
    private final Kind[] kinds = new Kind[MAX_KINDS];
    private int kindCount;
    private Throwable otherKinds;
    private boolean isFullReported;
    private boolean isClosed;

    /**
     * A handler recording to a log.
     *
     * @param log     the distinct error log.
     * @param stderr  where to say, once, that the log is full.
     * @param logName the log's file, to name in that line.
     */
    BoundedErrorHandler(final DistinctErrorLog log, final PrintStream stderr, final String logName)
    {
        this.log = log;
        this.stderr = stderr;
        this.logName = logName;
    }

    /**
     * Record an error, bounded as the class says.
     *
     * @param throwable the error.
     */
    public synchronized void onError(final Throwable throwable)
    {
        if (isClosed)
        {
            stderr.println("spindle: " + bounded(throwable));
            return;
        }

        final Throwable toRecord = recordable(throwable);
        if (!log.record(toRecord) && !isFullReported)
        {
            isFullReported = true;
            stderr.println("spindle: the error log " + logName + " is full: further errors are counted in the " +
                "Errors counter, not recorded (first not recorded: " + cut(toRecord.toString()) + ")");
        }
    }

    /**
     * Stop recording: the log is about to be unmapped.
     */
    public synchronized void close()
    {
        isClosed = true;
    }

    private Throwable recordable(final Throwable throwable)
    {
        final StackTraceElement[] stack = throwable.getStackTrace();
        final StackTraceElement site = stack.length > 0 ? stack[0] : null;
        final Class<?> type = throwable.getClass();
        Kind kind = null;
        for (int i = 0; i < kindCount; i++)
        {
            if (kinds[i].type == type && Objects.equals(kinds[i].site, site))
            {
                kind = kinds[i];
                break;
            }
        }
        if (null == kind)
        {
            if (kindCount == MAX_KINDS)
            {
                if (null == otherKinds)
                {
                    otherKinds = new RecordedError("errors of more than " + MAX_KINDS + " kinds (class and place): " +
                        "those of further kinds are counted here, the first was " + cut(throwable.toString()),
                        null, new StackTraceElement[0]);
                }
                return otherKinds;
            }
            kind = new Kind(type, site);
            kinds[kindCount++] = kind;
        }

        final Throwable toRecord = isBounded(throwable, stack) ? throwable : bounded(throwable);
        if (!kind.hasEntry(toRecord))
        {
            if (kind.entryCount == MAX_ENTRIES_PER_KIND)
            {
                if (null == kind.overflow)
                {
                    kind.overflow = new RecordedError("more than " + MAX_ENTRIES_PER_KIND + " distinct " +
                        type.getName() + " errors from " + site + ": the rest are counted here, the first was: " +
                        cut(String.valueOf(throwable.getMessage())) + causes(toRecord), null,
                        new StackTraceElement[0]);
                }
                return kind.overflow;
            }
            kind.addEntry(toRecord);
        }

        return toRecord;
    }

    /**
     * Whether two errors are one entry of the log: the log keeps an error apart from another when their classes,
     * messages or stacks differ, or those of any of their causes, so the same is compared here.
     */
    private static boolean isSameEntry(final Throwable a, final Throwable b)
    {
        Throwable left = a;
        Throwable right = b;
        for (int i = 0; i <= MAX_CAUSES + 1; i++)
        {
            if (left == right)
            {
                return true;
            }
            if (null == left || null == right || left.getClass() != right.getClass() ||
                !Objects.equals(left.getMessage(), right.getMessage()) ||
                !Arrays.equals(left.getStackTrace(), right.getStackTrace()))
            {
                return false;
            }
            left = left.getCause();
            right = right.getCause();
        }
        return false;
    }

    private static String causes(final Throwable recorded)
    {
        final StringBuilder text = new StringBuilder();
        for (Throwable cause = recorded.getCause(); null != cause; cause = cause.getCause())
        {
            text.append(" (caused by ").append(cut(cause.toString())).append(')');
        }
        return text.toString();
    }

    private static boolean isBounded(final Throwable throwable, final StackTraceElement[] stack)
    {
        if (stack.length > MAX_FRAMES || isLong(throwable.getMessage()) || throwable.getSuppressed().length > 0)
        {
            return false;
        }
        Throwable cause = throwable.getCause();
        for (int i = 0; null != cause && cause != throwable; i++)
        {
            if (i == MAX_CAUSES || isLong(cause.getMessage()) || cause.getStackTrace().length > MAX_FRAMES ||
                cause.getSuppressed().length > 0)
            {
                return false;
            }
            cause = cause.getCause();
        }
        return true;
    }

    private static Throwable bounded(final Throwable throwable)
    {
        final Throwable[] chain = new Throwable[MAX_CAUSES + 1];
        int length = 0;
        for (Throwable t = throwable; null != t && length < chain.length; t = t.getCause())
        {
            chain[length++] = t;
        }
        Throwable recorded = null;
        for (int i = length - 1; i >= 0; i--)
        {
            final StackTraceElement[] stack = chain[i].getStackTrace();
            recorded = new RecordedError(
                chain[i].getClass().getName() + ": " + cut(String.valueOf(chain[i].getMessage())),
                recorded,
                stack.length > MAX_FRAMES ? Arrays.copyOf(stack, MAX_FRAMES) : stack);
        }
        return recorded;
    }

    private static boolean isLong(final String message)
    {
        return null != message && message.length() > MAX_MESSAGE_LENGTH;
    }

    private static String cut(final String text)
    {
        return text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH) + "... (" +
            (text.length() - MAX_MESSAGE_LENGTH) + " characters cut)";
    }

    private static final class Kind
    {
        private final Class<?> type;
        private final StackTraceElement site;
        private final Throwable[] entries = new Throwable[MAX_ENTRIES_PER_KIND];
        private int entryCount;
        private Throwable overflow;

        Kind(final Class<?> type, final StackTraceElement site)
        {
            this.type = type;
            this.site = site;
        }

        boolean hasEntry(final Throwable recorded)
        {
            for (int i = 0; i < entryCount; i++)
            {
                if (isSameEntry(entries[i], recorded))
                {
                    return true;
                }
            }
            return false;
        }

        void addEntry(final Throwable recorded)
        {
            entries[entryCount++] = recorded;
        }
    }

    /**
     * An error as the log records it when the original was cut or counted with others: the message says which.
     */
    static final class RecordedError extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        RecordedError(final String message, final Throwable cause, final StackTraceElement[] stack)
        {
            super(message, cause, false, true);
            setStackTrace(stack);
        }
    }
}
