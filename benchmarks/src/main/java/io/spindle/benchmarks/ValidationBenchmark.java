package io.spindle.benchmarks;

import java.util.concurrent.TimeUnit;

import io.spindle.client.BookLevels;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Schema validation per message: a 65-byte quote, an 8.8 KB book update of 400 levels, and a reject (unknown
 * template). Run with {@code -prof gc}: 0 B/op expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ValidationBenchmark
{
    private final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));
    private final UnsafeBuffer quote = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
    private final UnsafeBuffer book = new UnsafeBuffer(BufferUtil.allocateDirectAligned(16 * 1024, 64));
    private final UnsafeBuffer unknown = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
    private int quoteLength;
    private int bookLength;
    private int unknownLength;

    @Setup
    public void setUp()
    {
        final ReferenceMessages messages = new ReferenceMessages();
        quoteLength = messages.quote(quote, 0, 1, 3, 2, 4, 0, 5, 0, 6, QuoteCondition.FIRM);

        final BookLevels levels = new BookLevels(400);
        for (int i = 0; i < 400; i++)
        {
            levels.add(Side.BID, UpdateAction.NEW, i, i, 1);
        }
        bookLength = messages.bookUpdate(book, 0, 1, 3, 2, 4, levels);

        unknown.putBytes(0, quote, 0, quoteLength);
        unknown.putShort(2, (short)99);
        unknownLength = quoteLength;
    }

    @Benchmark
    public int quote()
    {
        return validator.validate(quote, 0, quoteLength);
    }

    @Benchmark
    public int bookUpdate8K()
    {
        return validator.validate(book, 0, bookLength);
    }

    @Benchmark
    public int rejectUnknownTemplate()
    {
        return validator.validate(unknown, 0, unknownLength);
    }
}
